import { Flex, Heading, Text } from '@hubspot/ui-extensions';
import type { Company } from '@hubspot-quickbooks/shared/connections';
import type { SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { SyncCompany } from './SyncCompany';

interface Props {
  api: SyncSettingsApi;
  /** The portal's QuickBooks companies (null while the page loads them); each connected one gets its section. */
  companies: Company[] | null;
  /** Now, in milliseconds; the clock by default. */
  now?: number;
}

/** The scheduled sync from QuickBooks to HubSpot (S1–S4, S6), one section per connected company. */
export function SyncSection({ api, companies, now = Date.now() }: Props) {
  // A disconnected company has no grant and no sync; one needing a reconnect keeps its settings and shows why it stopped.
  const connected = (companies ?? []).filter((company) => company.status !== 'disconnected');
  return (
    <Flex direction="column" gap="md">
      <Heading>QuickBooks to HubSpot sync</Heading>
      <Text>
        Which QuickBooks customers, products and invoices reach HubSpot, what happens when they change or are deleted,
        which fields are written, and what failed.
      </Text>
      {companies && connected.length === 0 && <Text>Connect a QuickBooks company to set up its sync.</Text>}
      {connected.map((company) => (
        // Keyed by status too: once a reconnect shows in the list, the section reads its settings and health afresh.
        <SyncCompany key={`${company.realmId}:${company.status}`} api={api} company={company} now={now} />
      ))}
    </Flex>
  );
}
