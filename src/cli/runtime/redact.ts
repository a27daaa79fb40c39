/** `--debug` prints requests and replies; these keep secrets and tokens out of that log. */
const SECRET_FIELDS = ['client_secret', 'password', 'refresh_token', 'access_token', 'client_assertion', 'id_token', 'secretText', 'clientSecret', 'device_code', 'assertion'];

export const redact = {
  url(url: string): string {
    return url.replace(/([?&](?:client_secret|password|code|token)=)[^&]*/gi, '$1***');
  },
  header(name: string, value: string): string {
    return /^(authorization|cookie|set-cookie|x-identity-header|secret)$/i.test(name) ? '***' : value;
  },
  body(text: string): string {
    let out = text;
    for (const field of SECRET_FIELDS) {
      out = out.replace(new RegExp(`("${field}"\\s*:\\s*)"[^"]*"`, 'g'), '$1"***"').replace(new RegExp(`((?:^|&)${field}=)[^&]*`, 'g'), '$1***');
    }
    return out;
  },
};
