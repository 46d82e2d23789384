-- An agent's load is the count of their non-closed tickets (routing's candidate list and the
-- capacity check in assign_ticket). `tickets_assignee_status` also holds every closed ticket, so
-- that count grew with the agent's whole history; this index holds only the open load.
CREATE INDEX tickets_open_by_assignee ON _sb_.tickets (assignee_id) WHERE status <> 'closed';
