// Job leases, the port: before a tick an instance takes the job's lease, so
// one instance runs each job at a time; a lease whose holder died expires
// and is taken over. Channels that must have a single reader (the WhatsApp
// Web session, the IMAP mailbox) hold the same kind of lease. Stored by
// `storage/lease-store.ts`.

export interface JobLeases {
  /** Takes or renews the lease for `ms`; false while another owner holds it. */
  take(job: string, owner: string, ms: number): Promise<boolean>;
  /** Hands the lease back at once, if `owner` still holds it. */
  release(job: string, owner: string): Promise<void>;
}
