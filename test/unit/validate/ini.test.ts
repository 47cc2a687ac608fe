/** GMS INI files: parser problems plus the catalog rules, versions only with --gms-version. */
import { describe, expect, it } from 'vitest';
import { validateIniText } from '../../../src/validate/index.js';

const rulesOf = (text: string, file = 'gms.ini', gmsVersion?: string) =>
  validateIniText(file, text, { gmsVersion }).diagnostics.map((d) => [
    d.rule,
    d.line,
    d.column,
    d.severity,
  ]);

describe('INI rules', () => {
  it('a good file is clean', () => {
    expect(
      rulesOf(
        '[chat]\nenable_notification_mode=true\n\n[chat.customer-support]\npush_notification_to_active_client=false\n\n[push]\npushEnabled=comet,fcm\n',
      ),
    ).toEqual([]);
  });

  it('parser problems keep their rule and position', () => {
    expect(
      rulesOf(
        '[chat]\nnot a line\nenable_notification_mode=true\nenable_notification_mode=false\n',
      ),
    ).toEqual([
      ['ini-syntax', 2, 1, 'error'],
      ['ini-duplicate-key', 4, 1, 'error'],
    ]);
  });

  it('entries outside any section are ignored by GMS', () => {
    expect(rulesOf('a=b\n[chat]\n')).toEqual([['ini-syntax', 1, 1, 'warning']]);
  });

  it('placement, type, value and unknown options', () => {
    expect(rulesOf('[chat.support]\nenable_notification_mode=true\n')).toEqual([
      ['option-placement', 2, 1, 'error'],
    ]);
    expect(rulesOf('[chat]\nenable_notification_mode=yes\n')).toEqual([
      ['option-type', 2, 26, 'error'],
    ]);
    expect(rulesOf('[push]\ndefaultSubscriptionExpiration=5\n')).toEqual([
      ['option-value', 2, 31, 'error'],
    ]);
    expect(rulesOf('[push]\npushEnabled=comet,fcn\n')).toEqual([['option-value', 2, 13, 'error']]);
    expect(rulesOf('[chat]\nenable_notificaton_mode=true\n')).toEqual([
      ['option-unknown', 2, 1, 'warning'],
    ]);
    expect(rulesOf('[mystery]\na=b\n')).toEqual([['option-unknown', 1, 2, 'warning']]);
  });

  it('versions are gated only with --gms-version', () => {
    const text = '[chat.support]\npush_notification_to_active_client=false\n';
    expect(rulesOf(text)).toEqual([]);
    expect(rulesOf(text, 'gms.ini', '8.5.201.04')).toEqual([['version-gate', 2, 1, 'error']]);
    expect(rulesOf(text, 'gms.ini', '8.5.219.03')).toEqual([]);
  });

  it('pushEnabled without comet warns (unless the target version predates 8.5.103.10)', () => {
    expect(rulesOf('[push]\npushEnabled=customhttp\n')).toEqual([
      ['push-enabled-comet', 2, 13, 'warning'],
    ]);
    expect(rulesOf('[push]\npushEnabled=customhttp\n', 'gms.ini', '8.5.102.10')).toEqual([]);
  });

  it('credentials belong only in secrets.ini', () => {
    const text = '[push]\nfcm.apiKey=AAAA\n';
    expect(rulesOf(text)).toEqual([['inline-credential', 2, 1, 'error']]);
    expect(rulesOf(text, 'deploy/secrets.ini')).toEqual([]);
    expect(validateIniText('gms.ini', text).diagnostics[0]!.message).not.toContain('AAAA');
  });

  it('a key that looks like a credential is one in any section, known or not ([server], [mystery])', () => {
    expect(rulesOf('[server]\nssl.keystorePassword=changeit\n')).toEqual([
      ['inline-credential', 2, 1, 'error'],
    ]);
    expect(rulesOf('[mystery]\napi_token=x\n')).toEqual([
      ['option-unknown', 1, 2, 'warning'],
      ['inline-credential', 2, 1, 'error'],
    ]);
    expect(rulesOf('[mystery]\napi_token=x\n', 'secrets.ini')).toEqual([
      ['option-unknown', 1, 2, 'warning'],
    ]);
  });

  it('provider section names must be letters and digits', () => {
    expect(rulesOf('[push.provider.fcm_prod]\nfcm.title=x\n')).toEqual([
      ['provider-name', 1, 2, 'error'],
    ]);
  });

  it('a section name the serializer would not write is an injection finding, once', () => {
    expect(rulesOf('[chat.my service]\npush_notification_to_active_client=true\n')).toEqual([
      ['injection', 1, 2, 'error'],
    ]);
    expect(rulesOf('[chat.s;x]\n[chat.a"b]\n').map((r) => [r[0], r[1]])).toEqual([
      ['injection', 1],
      ['injection', 2],
    ]);
    // Already a parser finding: not reported twice.
    expect(rulesOf('[chat.a[b]\n').map((r) => r[0])).toEqual(['ini-syntax']);
    // Names the serializer writes are fine.
    expect(rulesOf('[chat.Mobile_Chat]\n[service.a:b]\n[log]\n').map((r) => r[0])).not.toContain(
      'injection',
    );
  });

  it('reports control characters (ini-encoding)', () => {
    expect(rulesOf('[push]\nfcm.title=a\u001bb\n').map((r) => r[0])).toContain('ini-encoding');
  });
});
