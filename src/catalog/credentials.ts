/**
 * Option keys that look like credentials although the catalog does not list them (a
 * `keystorePassword` in [server], a `proxy.token` in [gms]). DESIGN.md: credentials come only
 * from Secret references and are never rendered into a ConfigMap, so an unknown key with such a
 * name is treated as a credential: the validator asks for a Secret, the importer does not copy
 * its value into YAML. Better a question than a password in a ConfigMap.
 */
export const CREDENTIAL_KEY_PATTERN =
  /(pass(word|wd|phrase)?$|secret|api[-_.]?key|token|keystore|private[-_.]?key|credential)/i;

export function looksLikeCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY_PATTERN.test(key);
}
