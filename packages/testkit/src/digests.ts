import type { DigestCompiled } from '@herald/contracts';

/** The n-th member's one-entry digest, addressed to `member<n>@<domain>`. */
export function aDigest(n: number, domain = 'digest.test'): DigestCompiled {
  return {
    recipient: { userId: `u-${n}`, email: `member${n}@${domain}`, name: `Member ${n}` },
    day: '2026-12-01',
    workspaces: [
      {
        workspaceId: 'w-1',
        name: 'Apollo',
        entries: [{ type: 'task.created', summary: 'WS-1 created', at: '2026-12-01T09:00:00Z' }],
        more: 0,
      },
    ],
    moreWorkspaces: 0,
  };
}
