import { describe, expect, it } from 'vitest';
import { SafeHtml, escapeHtml, html, isWebUrl, multiline } from './html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('escapes an already-escaped entity again, so it shows literally', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});

describe('html', () => {
  it('escapes interpolated strings and keeps SafeHtml as it is', () => {
    const name = '<b>Eve</b>';
    const out = html`<p>${name} ${html`<em>${name}</em>`} ${42}</p>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.value).toBe('<p>&lt;b&gt;Eve&lt;/b&gt; <em>&lt;b&gt;Eve&lt;/b&gt;</em> 42</p>');
  });

  it('joins a list of fragments', () => {
    const items = ['<1>', '<2>'].map((i) => html`<li>${i}</li>`);
    const list = html`<ul>
      ${items}
    </ul>`;
    expect(list.value.replace(/\s+/g, '')).toBe('<ul><li>&lt;1&gt;</li><li>&lt;2&gt;</li></ul>');
  });
});

describe('multiline', () => {
  it('escapes each line and turns every kind of line break into <br>', () => {
    expect(multiline('a<b\r\nc&d\re\nf').value).toBe('a&lt;b<br>\nc&amp;d<br>\ne<br>\nf');
  });
});

describe('isWebUrl', () => {
  it.each([
    ['https://herald.example/x', true],
    ['http://localhost:3000/invites/1', true],
    ['javascript:alert(1)', false],
    ['JAVASCRIPT:alert(1)', false],
    ['mailto:a@b.c', false],
    ['/relative', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isWebUrl(url)).toBe(expected);
  });
});
