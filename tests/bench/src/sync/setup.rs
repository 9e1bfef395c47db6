//! The bench's world: the generated company (`tests/qbo-sim/fixtures/sync-bench.json`) connected to the
//! demo HubSpot account the way the end-to-end tests connect theirs, both simulators on 127.0.0.1 with
//! their real rate limits, the sync queue on moto, and the sync Lambda's release binary configured for all
//! of it.

use super::function::{Function, MEMORY_MB};
use crate::cold_start::LambdaEnv;
use std::path::Path;
use test_support::queue::LocalQueue;
use test_support::world::{simulator_config, World};

/// The fixture issue 12 measures: 5,000 customers, 1,000 items, 10,000 invoices.
const COMPANY: &str = include_str!("../../../qbo-sim/fixtures/sync-bench.json");
/// `template.yaml`'s `SyncQueue`: `VisibilityTimeout: 5400`, `maxReceiveCount: 5`.
const VISIBILITY_SECS: u32 = 5400;
const MAX_RECEIVES: u32 = 5;

pub struct Bench {
    pub world: World,
    pub realm: String,
    pub queue: LocalQueue,
    pub function: Function,
}

impl Bench {
    pub async fn start(build_dir: &Path) -> anyhow::Result<Self> {
        let seed: qbo_sim::Seed = serde_json::from_str(COMPANY)?;
        let realm = seed
            .generate
            .as_ref()
            .map(|g| g.realm_id.clone())
            .ok_or_else(|| anyhow::anyhow!("sync-bench.json generates no company"))?;
        let world = World::with_companies(seed, &[realm.as_str()]).await;
        let name = format!("bench-sync-{}", std::process::id());
        let queue = LocalQueue::create(&world.h.sdk, &name, VISIBILITY_SECS, MAX_RECEIVES).await?;

        let endpoint = test_support::moto_endpoint();
        let mut env = LambdaEnv::on_moto(&endpoint).await?;
        for (name, value) in simulator_config(&world.qbo, &world.hubspot) {
            env.set(&name, &value);
        }
        let h = &world.h;
        env.set("TABLE_NAME", &h.table);
        env.set("APP_SECRET_ID", &h.app_secret_id());
        env.set("TOKEN_SECRET_PREFIX", &h.secret_prefix);
        env.set("PUBLIC_BASE_URL", test_support::PUBLIC_BASE_URL);
        env.set("SYNC_QUEUE_URL", &queue.url);
        env.set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", MEMORY_MB);
        // The run's tally ("sync run") is logged at INFO, into the function's log file.
        env.set("AWS_LAMBDA_LOG_LEVEL", "INFO");
        let binary = build_dir.join("ScheduledSyncFunction").join("bootstrap");
        let function = Function::start(&binary, &env).await?;
        Ok(Self {
            world,
            realm,
            queue,
            function,
        })
    }

    /// Both simulators' rate-limit windows emptied, so that the set-up's calls are not charged to a run.
    pub fn fresh_limits(&self) {
        self.world
            .hubspot
            .set_limits(hubspot_sim::LimitSettings::default());
        self.world.qbo.with_state(|s| {
            for company in s.companies.values_mut() {
                company.recent.clear();
            }
        });
    }

    /// Calls each simulator has received so far: (QuickBooks, HubSpot), every kind, 429s included.
    pub fn calls(&self) -> Calls {
        let q = self.world.qbo.calls(None);
        Calls {
            quickbooks: q.query + q.cdc + q.read + q.write + q.batch + q.oauth + q.other,
            hubspot: self.world.hubspot.calls().total,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    pub quickbooks: usize,
    pub hubspot: usize,
}

impl std::ops::Sub for Calls {
    type Output = Calls;
    fn sub(self, before: Calls) -> Calls {
        Calls {
            quickbooks: self.quickbooks.saturating_sub(before.quickbooks),
            hubspot: self.hubspot.saturating_sub(before.hubspot),
        }
    }
}
