import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, ButtonRow, Divider, Flex, Heading, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import { ConnectionsApiError, asConnectionsError, type Company, type ConnectionsApi, type Environment } from '@hubspot-quickbooks/shared/connections';
import type { SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import type { WorkflowSettingsApi } from '@hubspot-quickbooks/shared/workflowSettings';
import { CompanyTable } from './CompanyTable';
import { SyncSection } from './sync/SyncSection';
import { WorkflowSettingsSection } from './WorkflowSettingsSection';

/** A one-time Intuit authorization URL the admin still has to open. */
interface PendingAuthorization {
  label: string;
  url: string;
}

interface Props {
  api: ConnectionsApi;
  workflowSettings?: WorkflowSettingsApi;
  syncSettings?: SyncSettingsApi;
}

/**
 * The settings page: lists the portal's QuickBooks companies and connects, reconnects and disconnects them; with
 * `workflowSettings`, also the workflow actions' behaviour (customer creation, unmatched items); with
 * `syncSettings`, each connected company's sync (switches, behaviours, mappings, health, failed records).
 */
export function ConnectionsPage({ api, workflowSettings, syncSettings }: Props) {
  const [companies, setCompanies] = useState<Company[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ConnectionsApiError | null>(null);
  const [authorization, setAuthorization] = useState<PendingAuthorization | null>(null);
  const [confirming, setConfirming] = useState<Company | null>(null);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setCompanies(await api.list());
      setError(null);
      // A connect link is single-use; once the list is reloaded it has either been used or gone stale.
      setAuthorization(null);
    } catch (caught) {
      setError(asConnectionsError(caught));
    } finally {
      setLoading(false);
    }
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(asConnectionsError(caught));
    } finally {
      setBusy(false);
    }
  }

  const connect = (environment: Environment) =>
    run(async () => {
      const url = await api.connectUrl(environment);
      setAuthorization({ url, label: environment === 'sandbox' ? 'Open QuickBooks sandbox' : 'Open QuickBooks' });
    });

  const reconnect = (company: Company) =>
    run(async () => {
      const url = await api.reconnectUrl(company.realmId);
      setAuthorization({ url, label: `Reconnect ${company.name} in QuickBooks` });
    });

  const disconnect = (company: Company) =>
    run(async () => {
      setConfirming(null);
      await api.disconnect(company.realmId);
      await refresh();
    });

  return (
    <Flex direction="column" gap="md">
      <Heading>QuickBooks Online companies</Heading>
      <Text>
        Connect the QuickBooks Online companies this HubSpot account works with. Sandbox companies are QuickBooks
        developer test companies.
      </Text>
      <ButtonRow>
        <Button variant="primary" disabled={busy} onClick={() => connect('production')}>
          Connect QuickBooks
        </Button>
        <Button variant="secondary" disabled={busy} onClick={() => connect('sandbox')}>
          Connect a sandbox company
        </Button>
        <Button variant="transparent" disabled={busy || loading} onClick={() => void refresh()}>
          Refresh
        </Button>
      </ButtonRow>
      {error && <ErrorAlert error={error} />}
      {authorization && (
        // UI extensions cannot navigate or open windows themselves, so the admin follows a link.
        <Alert title="Continue in QuickBooks" variant="info">
          <Text>
            QuickBooks opens in a new tab: sign in, choose the company and approve access, then come back and click
            Refresh. The link works once and expires after a few minutes.
          </Text>
          <Button variant="primary" href={{ url: authorization.url, external: true }}>
            {authorization.label}
          </Button>
        </Alert>
      )}
      {confirming && (
        <Alert title={`Disconnect ${confirming.name}?`} variant="danger" testId="confirm-disconnect">
          <Text>
            The integration stops working with this company: its QuickBooks access is revoked and its tokens are
            deleted. Documents already in QuickBooks stay there. You can connect the company again later.
          </Text>
          <ButtonRow>
            <Button variant="destructive" disabled={busy} onClick={() => disconnect(confirming)}>
              Disconnect
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(null)}>
              Cancel
            </Button>
          </ButtonRow>
        </Alert>
      )}
      {loading && <LoadingSpinner label="Loading QuickBooks companies" showLabel />}
      {companies && (
        <CompanyTable companies={companies} disabled={busy} onReconnect={reconnect} onDisconnect={setConfirming} />
      )}
      {workflowSettings && (
        <>
          <Divider />
          <WorkflowSettingsSection api={workflowSettings} companies={companies} />
        </>
      )}
      {syncSettings && (
        <>
          <Divider />
          <SyncSection api={syncSettings} companies={companies} />
        </>
      )}
    </Flex>
  );
}

function ErrorAlert({ error }: { error: ConnectionsApiError }) {
  if (error.code === 'unknown_portal') {
    return (
      <Alert title="This HubSpot account is not installed" variant="error">
        <Text>{error.message}</Text>
        <Text>
          Reinstall the app: open the HubSpot install link of your deployment (the stack output HubSpotInstallUrl),
          approve it for this account, then reload this page.
        </Text>
      </Alert>
    );
  }
  return (
    <Alert title={ERROR_TITLES[error.code] ?? 'Something went wrong'} variant="error">
      <Text>{error.message}</Text>
    </Alert>
  );
}

const ERROR_TITLES: Record<string, string> = {
  unauthorized: "The integration's API refused HubSpot's request",
  not_found: 'That QuickBooks company is not connected to this account',
  upstream: 'QuickBooks did not answer as expected',
  network: "The integration's API cannot be reached",
};
