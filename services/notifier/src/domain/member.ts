/** A workspace member as the notifier learns it from events (it never asks the API). */
export interface Member {
  readonly workspaceId: string;
  readonly userId: string;
  readonly name: string;
  /** When the membership began: the time of the event that told us. */
  readonly since: Date;
}
