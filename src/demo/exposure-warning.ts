/**
 * The warning to print when the demo listens on `host`, or `null` when `host` is this machine only:
 * the demo's users have no passwords, so whoever can reach it can log in as anyone.
 */
export function exposureWarning(host: string): string | null {
  if (/^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(host)) return null;
  return (
    `WARNING: the demo listens on ${host}, reachable from other machines. Its users have no passwords: ` +
    "anyone who can reach it can log in as any user, the admin included. Use --host 127.0.0.1 unless this network is yours alone."
  );
}
