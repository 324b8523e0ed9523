import { describe, expect, it } from 'vitest';
import { redactingHook } from './tracing.js';

const redact = (url: string) => url.replace(/(\/unsubscribe\/)[^/?#]+/g, '$1[redacted]');

function attributesAfter(request: object): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  redactingHook(redact)(
    {
      setAttribute(name, value) {
        attributes[name] = value;
        return this as never;
      },
    },
    request,
  );
  return attributes;
}

describe('redactingHook', () => {
  it('overwrites every URL attribute of a request whose path holds a token', () => {
    expect(
      attributesAfter({ url: '/unsubscribe/abc.def?x=1', headers: { host: 'api:3000' } }),
    ).toEqual({
      'http.target': '/unsubscribe/[redacted]?x=1',
      'url.path': '/unsubscribe/[redacted]?x=1',
      'http.url': 'http://api:3000/unsubscribe/[redacted]?x=1',
      'url.full': 'http://api:3000/unsubscribe/[redacted]?x=1',
    });
  });

  it('leaves other requests alone', () => {
    expect(attributesAfter({ url: '/tasks/1', headers: {} })).toEqual({});
  });
});
