import { html } from '../html';
import { layout } from './layout';

export interface LoginView {
  base: string;
  csrf: string;
  error?: string;
}

export function loginPage(view: LoginView): string {
  return layout(
    { title: 'Log in', base: view.base, signedOut: true },
    html`<section class="login">
<h1>Admin console</h1>
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : null}
<form method="post" action="${view.base}/login">
<input type="hidden" name="_csrf" value="${view.csrf}">
<label for="token">Admin token</label>
<input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
<button type="submit">Log in</button>
</form>
</section>`,
  );
}
