import { html } from '../html';
import { layout } from './layout';

/** A short page for refusals and errors. */
export function messagePage(base: string, title: string, message: string): string {
  return layout({ title, base }, html`<h1>${title}</h1><p>${message}</p><p><a href="${base}">Admin console</a></p>`);
}
