import { html, type SafeHtml } from '../html.js';

export type ConsolePage = 'live' | 'sessions' | 'requests' | 'config';

const pages: Array<[ConsolePage, string, string]> = [
  ['live', 'Live', '/ui/live'],
  ['sessions', 'Sessions', '/ui/sessions'],
  ['requests', 'Requests', '/ui/requests'],
  ['config', 'Config', '/ui/config'],
];

export interface LayoutOptions {
  title: string;
  page?: ConsolePage;
  /** The signed-in key's name; absent on the sign-in page. */
  keyName?: string;
  /** Whether the viewer came with a cookie (a sign-out button makes sense) or a bearer key. */
  signedIn?: boolean;
  /** Shown to signed-in viewers only. */
  configVersion?: string;
}

/** The frame of every console page: navigation, the read-only notice, the stylesheet and script (no inline script: the CSP forbids it). */
export function layout(options: LayoutOptions, body: SafeHtml): SafeHtml {
  const navigation = options.keyName === undefined
    ? ''
    : html`<nav>
        ${pages.map(([page, label, href]) => html`<a href="${href}"${page === options.page ? html` aria-current="page"` : ''}>${label}</a>`)}
        <span class="who">key <strong>${options.keyName}</strong>${options.signedIn
          ? html` <form method="post" action="/ui/sign-out" class="inline"><button type="submit">Sign out</button></form>`
          : ''}</span>
      </nav>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · Switchboard</title>
<link rel="stylesheet" href="/ui/assets/console.css">
<script src="/ui/assets/console.js" defer></script>
</head>
<body>
<header>
  <a class="brand" href="/ui/live">Switchboard</a>
  ${navigation}
</header>
${options.keyName === undefined
  ? ''
  : html`<p class="readonly">Read-only. The config lives in git: change it with a pull request (<code>switchboard plan</code> shows what it moves). Running config <code>${options.configVersion}</code>.</p>`}
<main>
${body}
</main>
</body>
</html>
`;
}
