import { useState } from 'react';
import { Alert, Button, ButtonRow, Flex, LoadingSpinner, StatusTag, Text } from '@hubspot/ui-extensions';
import { asConnectionsError, type ConnectionsApiError } from '@hubspot-quickbooks/shared/connections';
import { SYNC_OBJECTS, type SyncHealth, type SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';
import { SyncErrorAlert } from './SyncErrorAlert';
import { HEALTH_TAGS } from './words';

interface Props {
  api: SyncSettingsApi;
  realmId: string;
  health: SyncHealth | null;
  pending: string | null;
  error: ConnectionsApiError | null;
  onRefresh(): void;
}

/** S6 for the company: whether its sync runs, why not, and a retry of every failed record. */
export function CompanyHealth({ api, realmId, health, pending, error, onRefresh }: Props) {
  const retry = useRequest(asConnectionsError);
  const [queued, setQueued] = useState(false);
  const failed = health ? SYNC_OBJECTS.reduce((sum, object) => sum + health.objects[object].failedCount, 0) : 0;
  const retryAll = () =>
    retry.run('Queuing the retry', async () => {
      await api.retry(realmId);
      setQueued(true);
    });

  return (
    <Flex direction="column" gap="sm">
      {pending && <LoadingSpinner label={pending} showLabel />}
      {error && <SyncErrorAlert error={error} fallbackTitle="The sync health could not be read" testId={`health-error-${realmId}`} />}
      {health && (
        <Flex direction="row" gap="sm" align="center">
          <StatusTag variant={HEALTH_TAGS[health.state].variant}>{HEALTH_TAGS[health.state].label}</StatusTag>
          {health.state === 'ok' && <Text>The sync runs on schedule.</Text>}
          {health.state === 'never_run' && <Text>{health.message ?? 'The sync has not run for this company yet.'}</Text>}
        </Flex>
      )}
      {health?.state === 'reconnect_needed' && (
        <Alert title="The sync stopped: reconnect this company" variant="danger" testId={`reconnect-${realmId}`}>
          <Text>{health.message ?? "QuickBooks no longer accepts this company's authorization."}</Text>
          <Text>Click Reconnect next to it in the table above; the sync carries on from where it stopped.</Text>
        </Alert>
      )}
      {health?.state === 'stuck' && (
        <Alert title="The sync is stuck" variant="danger" testId={`stuck-${realmId}`}>
          <Text>{health.message ?? 'The sync has not moved forward for a while.'}</Text>
        </Alert>
      )}
      {retry.error && <SyncErrorAlert error={retry.error} fallbackTitle="The retry could not be queued" />}
      {queued && (
        <Alert title="Retry queued" variant="success">
          <Text>The next run reads every failed record again; each one that now applies leaves the failed lists.</Text>
        </Alert>
      )}
      <ButtonRow>
        {failed > 0 && (
          <Button variant="secondary" disabled={retry.busy || queued} onClick={() => void retryAll()}>
            {`Retry all ${failed} failed records`}
          </Button>
        )}
        <Button
          variant="transparent"
          disabled={pending !== null}
          onClick={() => {
            // Fresh counts may call for another retry.
            setQueued(false);
            onRefresh();
          }}
        >
          Refresh the health
        </Button>
      </ButtonRow>
    </Flex>
  );
}
