/** A workspace member as this service learns it from events (it never asks the API). */
export interface Member {
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly userId: string;
  readonly name: string;
  /** Known once an event carried it (member-joined, or an assignment or mention of the member). */
  readonly email?: string;
  /** When the membership began: the time of the event that told us. */
  readonly since: Date;
}

/** One record per (workspace, user), however often the events that create it arrive. */
export function memberId(workspaceId: string, userId: string): string {
  return `${workspaceId}:${userId}`;
}
