import { html, type Html } from './html.js';

export function signInForm(options: {
  readonly csrf: string;
  readonly next: string;
  readonly failed: boolean;
}): Html {
  return html`<form class="sign-in" method="post" action="/sign-in">
    <input type="hidden" name="csrf" value="${options.csrf}" />
    <input type="hidden" name="next" value="${options.next}" />
    ${
      options.failed
        ? html`<p class="problem" role="alert" id="sign-in-error">
            That is not the operator token.
          </p>`
        : ''
    }
    <label for="token">Operator token</label>
    <input
      id="token"
      name="token"
      type="password"
      required
      autocomplete="current-password"
      autofocus
      ${options.failed ? html`aria-invalid="true" aria-describedby="sign-in-error"` : ''}
    />
    <button type="submit">Sign in</button>
    <p class="muted">
      The console's <code>CONSOLE_TOKEN</code>: <code>npm start</code> prints it and keeps it in
      <code>~/.herald/keys/console-token</code>.
    </p>
  </form>`;
}
