-- customer_channels_last_inbound (channel_id, last_inbound_at) is dropped. Every inbound message
-- moves its customer's last_inbound_at on the channel, and with that column indexed each such
-- update wrote a new row version off the page's HOT chain plus an entry in both indexes of the
-- table; without it the update is heap-only (HOT), like the ticket's (0027). Counted with
-- callgrind as in 0029: 1.441M → 1.407M database instructions a message (-2.4 %).
--
-- Nothing needs it: listCustomers' "wrote within" filter looks up each customer's row by the
-- primary key (customer_id, channel_id), and the customer-service window is read the same way.
DROP INDEX _sb_.customer_channels_last_inbound;
