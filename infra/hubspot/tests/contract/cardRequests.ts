// What the card sends, every field filled: `satisfies Complete<…>` makes the typecheck fail when the TS type gains a
// field this file lacks, and functions/invoice-card/tests/contract.rs reads the literal (JSON, so keep it JSON)
// and fails when the backend refuses or drops any of it.
import type { CreateDocumentBody } from '@hubspot-quickbooks/shared/card';

/** `T` with every optional field required, all the way down: a fixture of it names every field. */
export type Complete<T> = T extends object ? { [K in keyof T]-?: Complete<T[K]> } : T;

export const createDocument = {
  "idempotencyKey": "0b7c2f1e-1111-4222-8333-444455556666",
  "realmId": "9130357766900011",
  "objectType": "deals",
  "objectId": "401",
  "type": "invoice",
  "customer": {
    "new": {
      "displayName": "Jane Doe",
      "givenName": "Jane",
      "familyName": "Doe",
      "companyName": "Doe & Co",
      "email": "jane@doe.example"
    }
  },
  "lines": [
    {
      "itemId": "1",
      "newItem": { "name": "Consulting", "sku": "SVC-CONSULT" },
      "description": "Consulting hours",
      "quantity": "2",
      "unitPrice": "150.00",
      "serviceDate": "2026-11-20",
      "taxCodeId": "2"
    }
  ],
  "termId": "3",
  "txnDate": "2026-11-23",
  "dueDate": "2026-12-23",
  "message": "Thank you for your business",
  "docNumber": "MC-0008",
  "portion": { "kind": "percent", "percent": "30" }
} satisfies Complete<CreateDocumentBody>;
