/** One consumer's end-to-end health, judged by the age of the last heartbeat it handled. */
export interface ConsumerHealth {
  readonly service: string;
  readonly status: 'ok' | 'lagging' | 'silent' | 'unreachable';
  readonly lastSlot: string | null;
  readonly lagSeconds: number | null;
}

/** Heartbeats fire every minute: one missed is lag, five missed is silence. */
export function judge(
  service: string,
  lastSlot: string | null,
  now: Date,
  thresholds = { laggingSeconds: 150, silentSeconds: 330 },
): ConsumerHealth {
  if (lastSlot === null) return { service, status: 'silent', lastSlot, lagSeconds: null };
  const lagSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(lastSlot)) / 1_000));
  const status =
    lagSeconds > thresholds.silentSeconds
      ? 'silent'
      : lagSeconds > thresholds.laggingSeconds
        ? 'lagging'
        : 'ok';
  return { service, status, lastSlot, lagSeconds };
}
