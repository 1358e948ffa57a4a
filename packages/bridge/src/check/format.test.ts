import { diagnosticFor, docsLink } from '@forecaster/module-assets';
import { describe, expect, it } from 'vitest';
import { formatCheckReport } from './format.ts';
import { completeReport, flagged, passed } from './report.ts';

const DOCS = 'https://docs.example.test';

const failedReport = completeReport(
  { source: 'eu', url: 'https://billing.example.test/includes/api.php', seenIp: '203.0.113.9' },
  [
    passed('config', 'url resolves to https://billing.example.test/includes/api.php.'),
    passed('dns', 'billing.example.test resolves to 198.51.100.4.'),
    passed('tcp', 'Connected to 198.51.100.4:443 from 203.0.113.9.'),
    passed('tls', 'TLSv1.3, certificate for billing.example.test.'),
    passed('whmcs', 'WHMCS answered.'),
    flagged('ip', 'failed', 'ip_not_allowed', 'WHMCS saw 203.0.113.9: that is the address to allow.', DOCS),
  ],
);

const warnedReport = completeReport({ source: 'us', url: 'https://us.example.test/includes/api.php' }, [
  ...'config dns tcp tls whmcs credentials ip permission sample'
    .split(' ')
    .map((id) => passed(id as 'config', 'fine')),
  flagged('least_privilege', 'warning', 'over_privileged', 'WHMCS ran GetInvoice.', DOCS),
]);

describe('formatCheckReport', () => {
  it('prints a checklist with marks, the failure’s fix steps and its docs link', () => {
    const text = formatCheckReport(failedReport, { color: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('eu  https://billing.example.test/includes/api.php');
    expect(lines).toContain('  ✓ The host name resolves');
    expect(lines).toContain('  ✗ WHMCS allows this host’s address');
    expect(lines).toContain('  - The API role allows GetInvoices');
    expect(lines).toContain('      Error ip_not_allowed');
    const fix = diagnosticFor('ip_not_allowed').fix;
    fix.forEach((step, i) => {
      expect(lines).toContain(`      ${i + 1}. ${step.replaceAll('`', '')}`);
    });
    expect(text).toContain(`      More: ${docsLink('ip_not_allowed', DOCS)}`);
    expect(lines).toContain('  FAILED: ip_not_allowed');
    // Skipped stages list no fix; only the failure does.
    expect(text.match(/More: /g)).toHaveLength(1);
    expect(text).not.toContain('\u001b[');
  });

  it('prints a warning with ! and its fix, and an OK verdict', () => {
    const text = formatCheckReport(warnedReport, { color: false });
    expect(text).toContain('  ! The credential can do nothing more');
    expect(text).toContain('      Warning over_privileged');
    expect(text).toContain(`More: ${docsLink('over_privileged', DOCS)}`);
    expect(text.trimEnd().endsWith('OK, with warnings: over_privileged')).toBe(true);
  });

  it('colours the marks only when asked', () => {
    const text = formatCheckReport(failedReport, { color: true });
    expect(text).toContain('\u001b[31m✗\u001b[0m');
    expect(text).toContain('\u001b[32m✓\u001b[0m');
  });
});
