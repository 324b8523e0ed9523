import type { Db } from 'mongodb';
import { eventually } from '@herald/testkit';

/** Waits until a consumer has completely handled an event (its processed-events record). */
export function handled(store: Db, consumer: 'mailer' | 'notifier', eventId: string) {
  return eventually(`${consumer} handled ${eventId}`, () =>
    store.collection('processed_events').findOne({ _id: `${consumer}:${eventId}` as never }),
  );
}
