import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  ButtonRow,
  EmptyState,
  ErrorState,
  Flex,
  Inline,
  Input,
  LoadingSpinner,
  StatusTag,
  Text,
} from '@hubspot/ui-extensions';
import type { CardApi, QboDocument, RecordObjectType, RecordView } from '@hubspot-quickbooks/shared/card';
import { companyHealth, documentTypeLabel } from '@hubspot-quickbooks/shared/documents';
import { AddExisting } from './AddExisting';
import { CardErrorAlert, asCardError } from './CardErrorAlert';
import { CreateWizard } from './CreateWizard';
import { DocumentTable, documentKey } from './DocumentTable';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';

interface Props {
  api: CardApi;
  /** null when the card is shown on an object it does not support. */
  objectType: RecordObjectType | null;
  objectId: string;
}

type Mode = 'list' | 'create' | 'add';

/** A link the user still has to open: UI extensions cannot open tabs themselves. */
interface PreviewLink {
  title: string;
  url: string;
}

/** The invoice card on deal, contact and company records. */
export function InvoiceCardView({ api, objectType, objectId }: Props) {
  if (!objectType) {
    return (
      <ErrorState title="This card works on deals, contacts and companies">
        <Text>Remove it from this record's layout.</Text>
      </ErrorState>
    );
  }
  return <RecordCard api={api} objectType={objectType} objectId={objectId} />;
}

function RecordCard({ api, objectType, objectId }: { api: CardApi; objectType: RecordObjectType; objectId: string }) {
  const [view, setView] = useState<RecordView | null>(null);
  const [loading, setLoading] = useState(true);
  const { pending, busy, error, setError, run: request } = useRequest(asCardError);
  const [notice, setNotice] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('list');
  const [preview, setPreview] = useState<PreviewLink | null>(null);
  const [sendPrompt, setSendPrompt] = useState<{ document: QboDocument; sendTo: string } | null>(null);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setView(await api.record(objectType, objectId));
      setError(null);
    } catch (caught) {
      setError(asCardError(caught));
    } finally {
      setLoading(false);
    }
  }, [api, objectType, objectId, setError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // A new action replaces the last one's outcome.
  const run = (what: string, action: () => Promise<void>) => {
    setNotice(null);
    return request(what, action);
  };

  const replaceDocument = (updated: QboDocument) =>
    setView((current) =>
      current && {
        ...current,
        documents: current.documents.map((document) => (documentKey(document) === documentKey(updated) ? updated : document)),
      },
    );

  const previewDocument = (document: QboDocument) =>
    run('Preparing the PDF', async () => {
      setPreview(null);
      const url = await api.preview(document.realmId, document.type, document.id);
      setPreview({ url, title: label(document) });
    });

  const sendDocument = (document: QboDocument, sendTo?: string) =>
    run('Sending the invoice', async () => {
      try {
        const sent = await api.send(document.realmId, document.id, sendTo, { objectType, objectId });
        replaceDocument(sent);
        setSendPrompt(null);
        setNotice(`${label(sent)} was sent${sendTo ? ` to ${sendTo}` : ''}.`);
      } catch (caught) {
        // Without an e-mail address on the customer, ask for one and keep what the user typed.
        if (asCardError(caught).code === 'customer_missing_email') {
          setSendPrompt((current) => ({ document, sendTo: current?.document === document ? current.sendTo : (sendTo ?? '') }));
        }
        throw caught;
      }
    });

  if (mode === 'create' && view) {
    return (
      <CreateWizard
        api={api}
        companies={view.companies}
        objectType={objectType}
        objectId={objectId}
        onCancel={() => setMode('list')}
        onCreated={(document) => {
          setMode('list');
          setNotice(`${label(document)} was created in QuickBooks. It has not been sent to the customer.`);
          // The record's list is the source of truth (newest first, snapshots refreshed): reload it.
          setView((current) => current && { ...current, documents: [document, ...current.documents.filter((d) => documentKey(d) !== documentKey(document))] });
          void refresh();
        }}
      />
    );
  }
  if (mode === 'add' && view) {
    return (
      <AddExisting
        api={api}
        companies={view.companies}
        linked={view.documents}
        objectType={objectType}
        objectId={objectId}
        onCancel={() => setMode('list')}
        onLinked={(linked, added) => {
          setView(linked);
          setMode('list');
          setNotice(`${added} ${added === 1 ? 'invoice was' : 'invoices were'} added to this record.`);
        }}
      />
    );
  }

  const companies = view?.companies ?? [];
  const reconnectNeeded = new Set(companies.filter((company) => company.status === 'reconnect_needed').map((c) => c.realmId));
  const hasActive = companies.some((company) => company.status === 'active');

  return (
    <Flex direction="column" gap="md">
      <ButtonRow>
        <Button variant="primary" disabled={!view || !hasActive || busy} onClick={() => setMode('create')}>
          Create in QuickBooks
        </Button>
        <Button variant="secondary" disabled={!view || !hasActive || busy} onClick={() => setMode('add')}>
          Add existing invoice
        </Button>
        <Button variant="transparent" disabled={loading || busy} onClick={() => void refresh()}>
          Refresh
        </Button>
      </ButtonRow>

      {error && (
        <CardErrorAlert error={error} testId="card-error">
          {!view && (
            <Button variant="secondary" onClick={() => void refresh()}>
              Try again
            </Button>
          )}
        </CardErrorAlert>
      )}
      {view && view.notices.length > 0 && (
        <Alert title="Some figures may be out of date" variant="warning" testId="card-notices">
          {view.notices.map((text, index) => (
            // Two companies may fail with the same words: the position keeps the keys apart.
            <Text key={index}>{text}</Text>
          ))}
        </Alert>
      )}
      {notice && (
        <Alert title="Done" variant="success">
          <Text>{notice}</Text>
        </Alert>
      )}
      {preview && (
        <Alert title={`${preview.title} is ready`} variant="info" testId="preview-ready">
          <Text>The PDF opens in a new tab. The link works for 5 minutes.</Text>
          <ButtonRow>
            <Button variant="primary" href={{ url: preview.url, external: true }}>
              Open PDF
            </Button>
            <Button variant="transparent" onClick={() => setPreview(null)}>
              Close
            </Button>
          </ButtonRow>
        </Alert>
      )}
      {sendPrompt && (
        <Alert title={`Send ${label(sendPrompt.document)} to`} variant="warning" testId="send-to">
          <Input
            name="sendTo"
            label="E-mail address"
            description="The QuickBooks customer has no e-mail address; QuickBooks sends the invoice to this one."
            value={sendPrompt.sendTo}
            onChange={(value) => setSendPrompt({ ...sendPrompt, sendTo: value })}
          />
          <ButtonRow>
            <Button
              variant="primary"
              disabled={busy || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(sendPrompt.sendTo.trim())}
              onClick={() => void sendDocument(sendPrompt.document, sendPrompt.sendTo.trim())}
            >
              Send now
            </Button>
            <Button variant="transparent" onClick={() => setSendPrompt(null)}>
              Cancel
            </Button>
          </ButtonRow>
        </Alert>
      )}

      {loading && !view && <LoadingSpinner label="Loading QuickBooks documents" showLabel />}
      {pending && <LoadingSpinner label={pending} showLabel />}

      {view && companies.length === 0 && (
        <EmptyState title="No QuickBooks company connected" imageName="integrations" layout="horizontal">
          <Text>An admin can connect one in this app's settings (Connected apps → QuickBooks Online → Settings).</Text>
        </EmptyState>
      )}
      {companies.length > 0 && (
        <Flex direction="column" gap="xs">
          {companies.map((company) => {
            const health = companyHealth(company);
            return (
              <Inline key={company.realmId} gap="sm" align="center" testId={`company-${company.realmId}`}>
                <Text format={{ fontWeight: 'demibold' }}>{company.name}</Text>
                <StatusTag variant={health.variant}>{health.label}</StatusTag>
                {company.status === 'reconnect_needed' && (
                  <Text variant="microcopy">An admin can reconnect it in this app's settings.</Text>
                )}
              </Inline>
            );
          })}
        </Flex>
      )}

      {view && (
        <DocumentTable
          documents={view.documents}
          reconnectNeeded={reconnectNeeded}
          showCompany={companies.length > 1}
          busy={busy}
          onPreview={previewDocument}
          onSend={(document) => sendDocument(document)}
        />
      )}
    </Flex>
  );
}

function label(document: Pick<QboDocument, 'type' | 'number'>): string {
  return document.number ? `${documentTypeLabel(document.type)} ${document.number}` : documentTypeLabel(document.type);
}
