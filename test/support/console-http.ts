// The admin console over plain HTTP (no browser): log in with the admin token, then read pages with the session cookie.
import request from 'supertest';
import { httpServer } from '../factories/http-server';
import { TEST_ADMIN_TOKEN, TestApp } from './test-app';

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
const sessionCookieOf = (response: request.Response) =>
  ([] as string[])
    .concat(response.headers['set-cookie'] ?? [])
    .map((cookie) => cookie.split(';')[0])
    .find((cookie) => cookie.startsWith('th_console='))!;

export interface ConsoleClient {
  /** The page's HTML (status 200 expected). */
  get(path: string): Promise<string>;
  /** Posts a console form (its CSRF token taken from `fromPage`) and answers the page it redirects to. */
  post(path: string, fromPage: string, form: Record<string, string>): Promise<string>;
}

export async function consoleLogIn(app: TestApp): Promise<ConsoleClient> {
  const http = () => request(httpServer(app));
  const form = await http().get('/admin/login').expect(200);
  const login = await http()
    .post('/admin/login')
    .set('cookie', sessionCookieOf(form))
    .type('form')
    .send({ _csrf: csrfOf(form.text), token: TEST_ADMIN_TOKEN })
    .expect(303);
  const cookie = sessionCookieOf(login);
  const get = async (path: string) => (await http().get(path).set('cookie', cookie).expect(200)).text;
  return {
    get,
    post: async (path, fromPage, fields) => {
      const answer = await http()
        .post(path)
        .set('cookie', cookie)
        .type('form')
        .send({ _csrf: csrfOf(fromPage), ...fields });
      return answer.status === 303 ? get(answer.headers.location) : answer.text;
    },
  };
}
