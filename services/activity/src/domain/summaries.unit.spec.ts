import { describe, expect, it } from 'vitest';
import { ada, bob, events } from '../fixtures.js';
import { clip, maxSummaryLength, oneLine, summarize } from './summaries.js';

describe('summarize', () => {
  it('says who did what to which task, in one line per event type', () => {
    expect(summarize.workspaceCreated(events.workspaceCreated('w1', ada).data)).toBe(
      'Ada created the workspace “Space w1”',
    );
    expect(summarize.memberInvited(events.memberInvited('w1', ada, 'zoe@example.test').data)).toBe(
      'Ada invited zoe@example.test to “Space w1”',
    );
    expect(summarize.memberJoined(events.memberJoined('w1', bob).data)).toBe(
      'Bob joined “Space w1”',
    );
    expect(summarize.taskCreated(events.taskCreated('w1', ada).data)).toBe(
      'Ada created WS-3 “Fix login”',
    );
    expect(summarize.taskStatusChanged(events.taskStatusChanged('w1', bob).data)).toBe(
      'Bob moved WS-3 “Fix login” from To do to In progress',
    );
    expect(summarize.taskAssigned(events.taskAssigned('w1', ada, bob).data)).toBe(
      'Ada assigned WS-3 “Fix login” to Bob',
    );
    expect(summarize.commentCreated(events.commentCreated('w1', ada, [bob]).data)).toBe(
      'Ada commented on WS-3 “Fix login”',
    );
  });

  it('says "took" when someone assigns a task to themselves', () => {
    expect(summarize.taskAssigned(events.taskAssigned('w1', bob, bob).data)).toBe(
      'Bob took WS-3 “Fix login”',
    );
  });

  it('keeps markup and quotes exactly as typed: it is plain text, escaped by whoever renders it', () => {
    const hostile = `<img src=x onerror="alert('x')"> & <b>“bold”</b>`;
    const data = events.taskCreated('w1', { ...ada, name: '<script>alert(1)</script>' }).data;
    const summary = summarize.taskCreated({ ...data, title: hostile });

    expect(summary).toBe(`<script>alert(1)</script> created WS-3 “${hostile}”`);
    expect(summary).not.toContain('&lt;');
  });

  it('folds line breaks and control characters in names and titles into single spaces', () => {
    const data = events.commentCreated('w1', ada, []).data;
    const summary = summarize.commentCreated({
      ...data,
      author: { ...data.author, name: 'Ada\r\nInjected line' },
      title: 'Fix\tlogin\u0000\u001b[31m now\u2028please',
    });

    expect(summary).toBe('Ada Injected line commented on WS-3 “Fix login [31m now please”');
    for (const control of ['\n', '\r', '\t', '\u0000', '\u001b', '\u2028']) {
      expect(summary).not.toContain(control);
    }
  });

  it('drops bidi overrides so a name cannot visually reorder the rest of the line', () => {
    expect(oneLine('Mallory\u202Egnp.exe\u202C')).toBe('Mallorygnp.exe');
    expect(oneLine('\u2067Eve\u2069')).toBe('Eve');
  });

  it('stays within the 500 characters a digest entry allows, never splitting a character', () => {
    const data = events.taskAssigned('w1', ada, bob).data;
    const long = 'é'.repeat(190) + '😀'.repeat(60);
    const summary = summarize.taskAssigned({
      ...data,
      title: long,
      assignedBy: { ...data.assignedBy, name: 'N'.repeat(200) },
    });

    expect(summary.length).toBeLessThanOrEqual(maxSummaryLength);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
    expect(summary.startsWith(`${'N'.repeat(200)} assigned WS-3 “`)).toBe(true);
  });

  it('clips only what is too long', () => {
    expect(clip('short')).toBe('short');
    expect(clip('x'.repeat(500))).toBe('x'.repeat(500));
    expect(clip('x'.repeat(501))).toBe(`${'x'.repeat(499)}…`);
    expect(clip('ab😀cd', 4)).toBe('ab…');
  });
});
