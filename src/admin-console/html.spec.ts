import { html, raw } from './html';

describe('html', () => {
  it('escapes every interpolated value', () => {
    const name = `<script>alert("x")</script>&'`;

    expect(html`<td>${name}</td>`.value).toBe('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td>');
  });

  it('escapes inside attributes', () => {
    expect(html`<a href="/c?id=${'" onmouseover="x'}">`.value).toBe('<a href="/c?id=&quot; onmouseover=&quot;x">');
  });

  it('embeds nested fragments and raw markup as they are', () => {
    expect(html`<ul>${['a', '<b>'].map((item) => html`<li>${item}</li>`)}</ul>${raw('<hr>')}`.value).toBe(
      '<ul><li>a</li><li>&lt;b&gt;</li></ul><hr>',
    );
  });

  it('renders nothing for null, undefined and false', () => {
    expect(html`[${null}${undefined}${false}]`.value).toBe('[]');
  });
});
