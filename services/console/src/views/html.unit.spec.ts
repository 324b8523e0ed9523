import { describe, expect, it } from 'vitest';
import { html } from './html.js';

describe('html', () => {
  it('escapes every interpolated string, attribute quotes included', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<td title="${name}">${name}</td>`.toString()).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td>',
    );
  });

  it('nests markup without escaping it twice, joins arrays, and drops empty values', () => {
    const rows = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    const list = html`<ul>
      ${rows}${false}${null}${undefined}${0}
    </ul>`;
    // The formatter lays out markup in templates: compare without the whitespace between tags.
    expect(list.toString().replace(/\s+/g, '')).toBe('<ul><li>a&lt;</li><li>b</li>0</ul>');
  });
});
