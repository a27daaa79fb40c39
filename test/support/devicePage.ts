import type { HttpResponse } from './http.js';
import type { TestServer } from './server.js';

/** Drives Amity's device sign-in page as a browser would: open it with the code, then post the form with its cookie. */
export interface DeviceForm {
  page: HttpResponse;
  formToken: string;
  cookie: string;
}

export async function openDevicePage(s: TestServer, userCode: string): Promise<DeviceForm> {
  const page = await s.raw('GET', `/devicelogin?otc=${encodeURIComponent(userCode)}`);
  const formToken = /name="form_token" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const setCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  return { page, formToken, cookie };
}

export function submitDeviceForm(s: TestServer, form: DeviceForm, fields: Record<string, string>): Promise<HttpResponse> {
  return s.raw('POST', '/devicelogin', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({ form_token: form.formToken, ...fields }).toString(),
  });
}

/** Opens the page for the code and approves as the user. */
export async function approveDeviceCode(s: TestServer, userCode: string, username: string, password: string): Promise<HttpResponse> {
  const form = await openDevicePage(s, userCode);
  if (form.page.status !== 200 || !form.formToken) throw new Error(`device page for ${userCode}: ${form.page.status} ${form.page.text}`);
  return submitDeviceForm(s, form, { otc: userCode, username, password, decision: 'approve' });
}
