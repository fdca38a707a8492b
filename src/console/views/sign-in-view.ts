import { html, type SafeHtml } from '../html.js';
import { layout } from './layout.js';

/**
 * All a viewer without an admin key sees: the form that exchanges an admin
 * key for a session cookie. `next` (a console path) is where it returns.
 */
export function signInView(options: { next: string; problem?: string }): SafeHtml {
  return layout(
    { title: 'Sign in' },
    html`<section class="sign-in">
  <h1>Sign in</h1>
  <p>The console is for keys with <code>role: admin</code> in <code>gateway.yaml</code>.</p>
  ${options.problem === undefined ? '' : html`<p class="problem" role="alert">${options.problem}</p>`}
  <form method="post" action="/ui/sign-in">
    <input type="hidden" name="next" value="${options.next}">
    <label>Admin key <input type="password" name="key" autocomplete="current-password" required autofocus></label>
    <button type="submit">Sign in</button>
  </form>
</section>`,
  );
}
