//! A deterministic generator of CSP transfer plans: documents of the default
//! pack's `Transfer` type, with realistic field values drawn from the default
//! catalog and a share of planted violations.
//!
//! Every document conforms to the default pack's schema. A clean document passes
//! every rule of the default pack except `license-reassignment` (a warning: about
//! one subscription in ten moves to an equivalent offer under another id, a legacy
//! offer to its current id for instance, as real plans do).
//! A document with a planted violation breaks exactly one of the five
//! [`crate::PRECONDITIONS`] and nothing else, so the set of failing preconditions
//! of every document is known in advance ([`Plan::planted`]).
//!
//! Transfer `i` depends only on the seed and `i`: generating more transfers with
//! the same seed extends the list without changing the ones before.

use jiff::ToSpan as _;
use jiff::civil::Date;
use serde_json::{Map, Value as Json, json};

use crate::catalog::{Catalog, Offer};

/// A generated transfer plan and the precondition planted in it, if any.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The document, a `Transfer` of the default pack.
    pub doc: Json,
    /// The rule id of the one precondition the document violates, or `None` for
    /// a document that passes all five.
    pub planted: Option<&'static str>,
}

/// `transfers` documents of `subs_per_transfer` subscriptions each, about
/// `violation_share` of them (0.0 to 1.0) with one planted violation of one of the
/// five preconditions. The same arguments always give the same documents.
pub fn generate(
    seed: u64,
    transfers: usize,
    subs_per_transfer: usize,
    violation_share: f64,
) -> Vec<Json> {
    generate_plans(seed, transfers, subs_per_transfer, violation_share)
        .into_iter()
        .map(|p| p.doc)
        .collect()
}

/// Writes the documents of [`generate`] as JSON Lines, one at a time, so that a
/// file of millions of subscriptions never has to fit in memory.
pub fn write_jsonl(
    out: &mut impl std::io::Write,
    seed: u64,
    transfers: usize,
    subs_per_transfer: usize,
    violation_share: f64,
) -> std::io::Result<()> {
    let catalog = Catalog::default_pack();
    let generator = Generator::new(&catalog);
    for i in 0..transfers {
        let plan = generator.plan(seed, i, subs_per_transfer, violation_share);
        writeln!(out, "{}", plan.doc)?;
    }
    Ok(())
}

/// [`generate`], with the violation planted in each document.
pub fn generate_plans(
    seed: u64,
    transfers: usize,
    subs_per_transfer: usize,
    violation_share: f64,
) -> Vec<Plan> {
    let catalog = Catalog::default_pack();
    let generator = Generator::new(&catalog);
    (0..transfers)
        .map(|i| generator.plan(seed, i, subs_per_transfer, violation_share))
        .collect()
}

/// splitmix64: a small, fast, statistically decent PRNG; plenty for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0); the modulo bias is negligible for
    /// the small ranges used here.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        // 53 random bits as a float in [0, 1).
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// A random position in a slice (`0` for an empty one).
    pub fn pick_index<T>(&mut self, xs: &[T]) -> usize {
        self.below(xs.len() as u64) as usize
    }

    /// Shuffles a slice in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }

    /// A random version-4 GUID, lower case.
    pub fn guid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    /// `n` random hexadecimal digits, lower case.
    pub fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    }
}

/// Countries with their CSP region and a company-name suffix.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("DE", "europe", "GmbH"),
    ("FR", "europe", "S.A."),
    ("GB", "europe", "Ltd"),
    ("NL", "europe", "B.V."),
    ("ES", "europe", "S.L."),
    ("IT", "europe", "S.r.l."),
    ("SE", "europe", "AB"),
    ("US", "united_states", "Inc."),
    ("US", "united_states", "LLC"),
    ("CA", "canada", "Ltd."),
    ("BR", "brazil", "Ltda."),
    ("MX", "latin_america", "S.A. de C.V."),
    ("AR", "latin_america", "S.A."),
    ("JP", "japan", "K.K."),
    ("KR", "korea", "Co., Ltd."),
    ("IN", "india", "Pvt. Ltd."),
    ("AU", "australia", "Pty Ltd"),
    ("NZ", "new_zealand", "Limited"),
    ("TW", "taiwan", "Co., Ltd."),
    ("ZA", "mcee", "(Pty) Ltd"),
    ("KE", "africa", "Limited"),
    ("AE", "mcee", "LLC"),
    ("SA", "mcee", "Co."),
    ("SG", "asia_pacific", "Pte. Ltd."),
    ("CN", "china", "Co., Ltd."),
];

/// Customer names (Microsoft's fictitious companies).
const CUSTOMERS: &[&str] = &[
    "Adatum",
    "Alpine Ski House",
    "Bellows College",
    "Best For You Organics",
    "Coho Winery",
    "Contoso",
    "Contoso Pharma",
    "Fabrikam",
    "First Up Consultants",
    "Fourth Coffee",
    "Graphic Design Institute",
    "Humongous Insurance",
    "Lamna Healthcare",
    "Litware",
    "Lucerne Publishing",
    "Margie's Travel",
    "Northwind Traders",
    "Proseware",
    "Relecloud",
    "Southridge Video",
    "Tailspin Toys",
    "Trey Research",
    "VanArsdel",
    "Wide World Importers",
    "Wingtip Toys",
    "Woodgrove Bank",
];

/// CSP partner names.
const PARTNERS: &[&str] = &[
    "Blue Harbour Solutions",
    "Bluepeak Consulting",
    "Brightline IT",
    "Cloudwise Partners",
    "Cobalt Networks",
    "Horizon Digital",
    "Keystone Cloud",
    "Meridian Systems",
    "Northern Light IT",
    "Northwind Cloud Services",
    "Silverline Technologies",
    "Summit Managed Services",
];

const CHANNELS: &[&str] = &[
    "csp",
    "csp",
    "csp",
    "web_direct",
    "enterprise_agreement",
    "open",
    "mpsa",
];
const TERMS: &[&str] = &["P1M", "P1Y", "P1Y", "P3Y"];

/// A subscription being built.
struct Sub {
    id: String,
    offer: String,
    quantity: i64,
    assigned: Option<i64>,
    trial: Option<bool>,
    auto_renew: bool,
    expires: Date,
    cancel_on: Option<Date>,
    target_offer: String,
    target_quantity: i64,
    provision_on: Option<Date>,
    term: Option<&'static str>,
}

impl Sub {
    fn to_json(&self) -> Json {
        let mut s = Map::new();
        s.insert("id".into(), json!(self.id));
        s.insert("offer".into(), json!(self.offer));
        s.insert("quantity".into(), json!(self.quantity));
        if let Some(a) = self.assigned {
            s.insert("assigned".into(), json!(a));
        }
        s.insert("status".into(), json!("active"));
        if let Some(t) = self.trial {
            s.insert("trial".into(), json!(t));
        }
        s.insert("auto_renew".into(), json!(self.auto_renew));
        s.insert("expires".into(), json!(self.expires.to_string()));
        if let Some(c) = self.cancel_on {
            s.insert("cancel_on".into(), json!(c.to_string()));
        }
        let mut t = Map::new();
        t.insert("offer".into(), json!(self.target_offer));
        t.insert("quantity".into(), json!(self.target_quantity));
        if let Some(p) = self.provision_on {
            t.insert("provision_on".into(), json!(p.to_string()));
        }
        if let Some(term) = self.term {
            t.insert("term".into(), json!(term));
        }
        s.insert("target".into(), Json::Object(t));
        Json::Object(s)
    }
}

/// The catalog sorted for drawing offers.
struct Generator<'c> {
    /// Offers still sold.
    sold: Vec<&'c Offer>,
    /// Discontinued offers that have an equivalent still sold (a holder can move).
    retired: Vec<&'c Offer>,
    catalog: &'c Catalog,
}

impl<'c> Generator<'c> {
    fn new(catalog: &'c Catalog) -> Generator<'c> {
        let sold: Vec<&Offer> = catalog.offers.iter().filter(|o| !o.discontinued).collect();
        let retired = catalog
            .offers
            .iter()
            .filter(|o| o.discontinued && !Self::sold_equivalents(catalog, o).is_empty())
            .collect();
        assert!(!sold.is_empty(), "the catalog sells some offer");
        Generator {
            sold,
            retired,
            catalog,
        }
    }

    fn sold_equivalents<'a>(catalog: &'a Catalog, offer: &Offer) -> Vec<&'a Offer> {
        offer
            .equivalents
            .iter()
            .filter_map(|e| catalog.get(e))
            .filter(|e| !e.discontinued)
            .collect()
    }

    fn offer(&self, id: &str) -> &'c Offer {
        match self.catalog.get(id) {
            Some(o) => o,
            None => panic!("offer {id} is in the catalog"),
        }
    }

    /// Transfer `index` of the stream started by `seed`.
    fn plan(&self, seed: u64, index: usize, subs: usize, share: f64) -> Plan {
        // Each transfer has its own stream, so that it does not depend on how many
        // came before it.
        let mut mix = Rng::new(seed ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mut rng = Rng::new(mix.next_u64());

        let &(country, region, suffix) = rng.pick(COUNTRIES);
        let cloud = match country {
            "CN" => "china",
            "US" if rng.chance(0.1) => "us_government",
            _ => "public",
        };
        let customer_name = format!("{} {suffix}", rng.pick(CUSTOMERS));
        let mut partner_region = region;
        let mut partner_name = format!("{} {suffix}", rng.pick(PARTNERS));
        let partner_id = format!("{}", rng.range(1_000_000, 9_999_999));
        let channel = *rng.pick(CHANNELS);
        let source_partner = (channel == "csp").then(|| {
            // Another partner than the new one (`not-own-partner`).
            let id = rng.range(1_000_000, 9_999_998);
            let id = if id.to_string() == partner_id {
                id + 1
            } else {
                id
            };
            id.to_string()
        });
        let mut relationship = "accepted";
        let tenant_subscriptions = rng.chance(0.7).then(|| subs as i64 + rng.range(0, 60));

        let mut subscriptions: Vec<Sub> = (0..subs).map(|_| self.subscription(&mut rng)).collect();

        // The violation, if any: exactly one of the five preconditions.
        let planted = if rng.chance(share) {
            let kinds: &[&'static str] = if subscriptions.is_empty() {
                &crate::PRECONDITIONS[..2]
            } else {
                &crate::PRECONDITIONS
            };
            let kind = *rng.pick(kinds);
            match kind {
                "same-region" => {
                    let others: Vec<_> = COUNTRIES.iter().filter(|c| c.1 != region).collect();
                    let &&(_, other_region, other_suffix) = rng.pick(&others);
                    partner_region = other_region;
                    partner_name = format!("{} {other_suffix}", rng.pick(PARTNERS));
                }
                "reseller-relationship" => {
                    relationship = *rng.pick(&["pending", "none"]);
                }
                "equivalent-offer" => {
                    let j = rng.below(subscriptions.len() as u64) as usize;
                    let s = &mut subscriptions[j];
                    let held = self.offer(&s.offer);
                    let wrong: Vec<&Offer> = self
                        .sold
                        .iter()
                        .copied()
                        .filter(|o| o.id != held.id && !held.equivalents.contains(&o.id))
                        .collect();
                    let to = *rng.pick(&wrong);
                    // Within the new offer's limits (`quantity-limits` stays quiet).
                    let q = clamp(s.quantity, to);
                    s.target_offer = to.id.clone();
                    s.quantity = q;
                    s.target_quantity = q;
                    s.assigned = s.assigned.map(|a| a.min(q));
                }
                "discontinued-offer" => {
                    // The customer holds a retired offer and the plan orders it again.
                    let j = rng.below(subscriptions.len() as u64) as usize;
                    let s = &mut subscriptions[j];
                    let retired = *rng.pick(&self.retired);
                    let q = clamp(s.quantity, retired);
                    s.offer = retired.id.clone();
                    s.target_offer = retired.id.clone();
                    s.quantity = q;
                    s.target_quantity = q;
                    s.assigned = s.assigned.map(|a| a.min(q));
                }
                _ => {
                    // license-count: a few licenses more or fewer.
                    let j = rng.below(subscriptions.len() as u64) as usize;
                    let s = &mut subscriptions[j];
                    let to = self.offer(&s.target_offer);
                    let delta = rng.range(1, 10);
                    let candidates: Vec<i64> = [s.quantity - delta, s.quantity + delta]
                        .into_iter()
                        .filter(|&q| q >= 1 && to.allows(q))
                        .collect();
                    s.target_quantity = *rng.pick(&candidates);
                }
            }
            Some(kind)
        } else {
            None
        };

        let mut customer = Map::new();
        customer.insert("tenant_id".into(), json!(guid(&mut rng)));
        customer.insert("name".into(), json!(customer_name));
        customer.insert("country".into(), json!(country));
        customer.insert("region".into(), json!(region));
        customer.insert("cloud".into(), json!(cloud));
        customer.insert("mca_accepted".into(), json!(true));
        if let Some(n) = tenant_subscriptions {
            customer.insert("tenant_subscriptions".into(), json!(n));
        }
        let mut source = Map::new();
        source.insert("channel".into(), json!(channel));
        if let Some(p) = source_partner {
            source.insert("partner_id".into(), json!(p));
        }
        let doc = json!({
            "id": format!("GEN-{seed}-{index:06}"),
            "customer": customer,
            "source": source,
            "partner": {
                "id": partner_id,
                "name": partner_name,
                "region": partner_region,
                "cloud": cloud,
            },
            "relationship": relationship,
            "subscriptions": subscriptions.iter().map(Sub::to_json).collect::<Vec<_>>(),
        });
        Plan { doc, planted }
    }

    /// A clean subscription: active, replaced by the same offer or a sold
    /// equivalent with as many licenses, ending and starting in time.
    fn subscription(&self, rng: &mut Rng) -> Sub {
        let (held, to) = if !self.retired.is_empty() && rng.chance(0.04) {
            let held = *rng.pick(&self.retired);
            let to = *rng.pick(&Self::sold_equivalents(self.catalog, held));
            (held, to)
        } else {
            let held = *rng.pick(&self.sold);
            let equivalents = Self::sold_equivalents(self.catalog, held);
            let to = if !equivalents.is_empty() && rng.chance(0.1) {
                *rng.pick(&equivalents)
            } else {
                held
            };
            (held, to)
        };
        // Sizes: mostly small tenants, some mid-size, a few large.
        let raw = match rng.below(10) {
            0..=5 => rng.range(1, 50),
            6..=8 => rng.range(51, 300),
            _ => rng.range(301, 2_500),
        };
        let quantity = clamp(clamp(raw, held), to);
        let assigned = rng
            .chance(0.6)
            .then(|| quantity - rng.range(0, quantity / 10));
        let trial = rng.chance(0.15).then_some(false);
        // The current term ends at the end of one of the next twelve months.
        let month = rng.range(0, 11) as i8;
        let expires = Date::new(2026 + i16::from((3 + month) / 12), 1 + (3 + month) % 12, 1)
            .map(|d| d.last_of_month())
            .unwrap_or(jiff::civil::date(2026, 6, 30));
        let days_before = |rng: &mut Rng, max: i64| {
            expires
                .checked_sub(rng.range(0, max).days())
                .unwrap_or(expires)
        };
        // Cancelled within 30 days of the end (no-refund-cancellation), or left to
        // expire with auto-renew off (auto-renew-off).
        let cancel_on = rng.chance(0.25).then(|| days_before(rng, 29));
        let auto_renew = cancel_on.is_some() && rng.chance(0.5);
        // Provisioned before the old term ends (provision-before-data-loss).
        let provision_on = rng.chance(0.7).then(|| days_before(rng, 20));
        let term = rng.chance(0.5).then(|| *rng.pick(TERMS));
        Sub {
            id: guid(rng),
            offer: held.id.clone(),
            quantity,
            assigned,
            trial,
            auto_renew,
            expires,
            cancel_on,
            target_offer: to.id.clone(),
            target_quantity: quantity,
            provision_on,
            term,
        }
    }
}

/// `q` moved into `offer`'s limits.
fn clamp(q: i64, offer: &Offer) -> i64 {
    let q = offer.min_quantity.map_or(q, |m| q.max(m));
    offer.max_quantity.map_or(q, |m| q.min(m)).max(1)
}

/// A random GUID, lower case (a version 4 UUID's layout).
fn guid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}
