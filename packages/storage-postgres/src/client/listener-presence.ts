/**
 * The advisory lock a connection listening on a channel holds (shared) for as long as it listens
 * on a Postgres server (`PgClient.listen`): how a publisher sees whether anyone listens at all
 * (repos/live-events.ts, `notifySql`). `channelParam` is the SQL for the channel name.
 */
export const presenceLockSql = (channelParam: string): string => `hashtextextended('sb-live:' || ${channelParam}::text, 0)`;
