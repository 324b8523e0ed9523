/** A comment on a task. */
export interface Comment {
  readonly id: string;
  readonly taskId: string;
  readonly workspaceId: string;
  readonly authorId: string;
  readonly body: string;
  /** Members the body mentions (resolved when posted). */
  readonly mentionIds: readonly string[];
  readonly createdAt: Date;
}
