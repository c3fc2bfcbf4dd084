//! Writes generated case directories for the `csp-nce` pack: one customer's
//! new-commerce transfer each, as the Partner Center API returns it
//! (`transfer.json`, `subscriptions.json`, `customer.json`, sometimes
//! `transfers.json`).
//!
//! ```sh
//! cargo run -p preflight-benches --release --bin gen-nce-cases -- \
//!     --cases 60 --out examples/csp-nce/wave --seed 1
//! cargo run -p preflight-benches --release --bin gen-nce-cases -- \
//!     --cases 1 --out /tmp/big --items 300
//! ```
//!
//! Most cases pass every rule of the pack (checked with
//! `--param partner_country=US`); a share of them (`--planted`, one in six by
//! default) carry exactly one planted problem of one rule family. The families
//! are dealt in a shuffled order, so that every family comes up before one comes
//! up twice. `DIR/.planted.tsv` lists every case with what was planted in it and
//! the rule ids expected to fail (a hidden file, so that `DIR/*` matches the case
//! directories only).
//!
//! Case `i` depends only on the seed, `i` and `--items`; the payloads follow
//! Partner Center's quirks: line-item ids are numbers from 0, subscription ids are
//! upper case in the transfer and lower case in the export, timestamps have seven
//! fraction digits or none.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::ToSpan as _;
use jiff::civil::{Date, date};
use preflight_benches::generate::Rng;
use serde_json::{Value as Json, json};

const USAGE: &str =
    "usage: gen-nce-cases --out DIR [--cases N] [--seed S] [--items K] [--planted SHARE]

  --out DIR        directory to write the cases into (created if missing);
                   cases are DIR/case-001, DIR/case-002, ...
  --cases N        number of case directories (default 60)
  --seed S         seed of the generator (default 1)
  --items K        line items of every transfer, add-ons counted (default: 3 to
                   10, drawn per case); above 25 a case fails line-item-limit
  --planted SHARE  share of cases, 0 to 1, with one planted problem (default 1/6)";

/// Line items above which a transfer fails `line-item-limit` (the pack's default).
const MAX_LINE_ITEMS: usize = 25;

struct Args {
    out: PathBuf,
    cases: usize,
    seed: u64,
    items: Option<usize>,
    planted: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut args = Args {
        out: PathBuf::new(),
        cases: 60,
        seed: 1,
        items: None,
        planted: 1.0 / 6.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let bad = |v: &str| format!("{name}: `{v}` is not a valid value");
        match name.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--cases" => {
                let v = value()?;
                args.cases = v.parse().map_err(|_| bad(&v))?;
            }
            "--seed" => {
                let v = value()?;
                args.seed = v.parse().map_err(|_| bad(&v))?;
            }
            "--items" => {
                let v = value()?;
                let k: usize = v.parse().ok().filter(|&k| k >= 1).ok_or_else(|| bad(&v))?;
                args.items = Some(k);
            }
            "--planted" => {
                let v = value()?;
                args.planted = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| (0.0..=1.0).contains(s))
                    .ok_or_else(|| bad(&v))?;
            }
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    args.out = out.ok_or("--out DIR is required")?;
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gen-nce-cases: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(planted) => {
            eprintln!(
                "gen-nce-cases: wrote {} cases ({planted} with a planted problem) to {}",
                args.cases,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-nce-cases: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<usize, String> {
    let plan = plant_plan(args.seed, args.cases, args.planted);
    let width = args.cases.to_string().len().max(3);
    let mut manifest = String::from("case\tfamily\tplanted\texpected\tfile\n");
    for (i, family) in plan.iter().enumerate() {
        let name = format!("case-{:0width$}", i + 1);
        let case = Case::generate(args.seed, i as u64, args.items, *family);
        let dir = args.out.join(&name);
        case.write(&dir)
            .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
        let (family, what, rules, file) = case.expected();
        let _ = writeln!(manifest, "{name}\t{family}\t{what}\t{rules}\t{file}");
    }
    let path = args.out.join(".planted.tsv");
    std::fs::write(&path, manifest).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(plan.iter().filter(|f| f.is_some()).count())
}

/// Which cases get a planted problem, and of which family: `round(cases × share)`
/// cases chosen at random, the families dealt from a shuffled deck.
fn plant_plan(seed: u64, cases: usize, share: f64) -> Vec<Option<Family>> {
    let mut rng = Rng::new(seed ^ 0x5eed_0f91_a27c);
    let planted = ((cases as f64) * share).round() as usize;
    let mut order: Vec<usize> = (0..cases).collect();
    rng.shuffle(&mut order);
    let mut plan = vec![None; cases];
    let mut deck = Vec::new();
    for &case in order.iter().take(planted) {
        if deck.is_empty() {
            deck = Family::ALL.to_vec();
            rng.shuffle(&mut deck);
        }
        plan[case] = deck.pop();
    }
    plan
}

/// A number in `lo..=hi` (`lo <= hi`), for counts and quantities. Unlike
/// `Rng::range` it draws a number even when `lo == hi`, which keeps the
/// committed `examples/csp-nce/wave/` reproducible byte for byte.
fn between(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    lo + rng.below(hi - lo + 1)
}

/// A GUID that depends only on `label` (a partner's tenant id is the same in
/// every case).
fn stable_guid(label: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    Rng::new(h).guid()
}

// ---------------------------------------------------------------------------
// Catalog sample. Product and SKU ids are those of the `csp` pack's catalog; the
// availability ids (third part) and the add-on products are made up in the same
// pattern.

struct Offer {
    id: &'static str,
    name: &'static str,
    /// (billingCycle, termDuration) pairs the offer is sold with.
    plans: &'static [(&'static str, &'static str)],
    /// Indexes into [`ADDONS`] of the add-ons this base can carry.
    addons: &'static [usize],
    /// Another availability of the same product and SKU (for a planted `same-offer`).
    other_availability: &'static str,
}

const MONTHLY_P1M: (&str, &str) = ("monthly", "P1M");
const MONTHLY_P1Y: (&str, &str) = ("monthly", "P1Y");
const ANNUAL_P1Y: (&str, &str) = ("annual", "P1Y");
const ANNUAL_P3Y: (&str, &str) = ("annual", "P3Y");
const TRIENNIAL_P3Y: (&str, &str) = ("triennial", "P3Y");

const BASES: [Offer; 6] = [
    Offer {
        id: "CFQ7TTC0LCHC:0002:CFQ7TTC0JT2W",
        name: "Microsoft 365 Business Premium",
        plans: &[MONTHLY_P1M, MONTHLY_P1Y, ANNUAL_P1Y, ANNUAL_P3Y],
        addons: &[0, 1],
        other_availability: "CFQ7TTC0LCHC:0002:CFQ7TTC0JT3B",
    },
    Offer {
        id: "CFQ7TTC0LDPB:0001:CFQ7TTC0QZ3L",
        name: "Microsoft 365 Business Standard",
        plans: &[MONTHLY_P1M, MONTHLY_P1Y, ANNUAL_P1Y, TRIENNIAL_P3Y],
        addons: &[1, 2],
        other_availability: "CFQ7TTC0LDPB:0001:CFQ7TTC0QZ4N",
    },
    Offer {
        id: "CFQ7TTC0LH18:0001:CFQ7TTC0HB6D",
        name: "Microsoft 365 Business Basic",
        plans: &[MONTHLY_P1M, MONTHLY_P1Y, ANNUAL_P1Y],
        addons: &[],
        other_availability: "CFQ7TTC0LH18:0001:CFQ7TTC0HB7F",
    },
    Offer {
        id: "CFQ7TTC0LH16:0001:CFQ7TTC0KP4M",
        name: "Exchange Online (Plan 1)",
        plans: &[MONTHLY_P1M, ANNUAL_P1Y],
        addons: &[2],
        other_availability: "CFQ7TTC0LH16:0001:CFQ7TTC0KP5P",
    },
    Offer {
        id: "CFQ7TTC0LF8R:0001:CFQ7TTC0MX9R",
        name: "Office 365 E3",
        plans: &[MONTHLY_P1Y, ANNUAL_P1Y, ANNUAL_P3Y],
        addons: &[1],
        other_availability: "CFQ7TTC0LF8R:0001:CFQ7TTC0MX9Q",
    },
    Offer {
        id: "CFQ7TTC0LF8Q:0001:CFQ7TTC0RW5T",
        name: "Office 365 E1",
        plans: &[MONTHLY_P1M, ANNUAL_P1Y],
        addons: &[1],
        other_availability: "CFQ7TTC0LF8Q:0001:CFQ7TTC0RW6V",
    },
];

const ADDONS: [Offer; 3] = [
    Offer {
        id: "CFQ7TTC0N1R7:0001:CFQ7TTC0PD8K",
        name: "Microsoft 365 E5 Security",
        plans: &[],
        addons: &[],
        other_availability: "CFQ7TTC0N1R7:0001:CFQ7TTC0PD9M",
    },
    Offer {
        id: "CFQ7TTC0N4Z2:0001:CFQ7TTC0TL6V",
        name: "Teams Audio Conferencing Select Dial-out",
        plans: &[],
        addons: &[],
        other_availability: "CFQ7TTC0N4Z2:0001:CFQ7TTC0TL7X",
    },
    Offer {
        id: "CFQ7TTC0N7H5:0001:CFQ7TTC0WB3F",
        name: "Exchange Online Archiving",
        plans: &[],
        addons: &[],
        other_availability: "CFQ7TTC0N7H5:0001:CFQ7TTC0WB4H",
    },
];

/// Legacy (traditional) offers: a GUID offer id, no `productType`.
const LEGACY: [(&str, &str); 4] = [
    ("796B6B5F-613C-4E24-A17C-EBA730D49C02", "Office 365 E3"),
    ("91FD106F-4B2C-4938-95AC-F54F74E9A239", "Office 365 E1"),
    (
        "195416C1-3447-423A-B37B-EE59A99A19C4",
        "Exchange Online (Plan 1)",
    ),
    (
        "031C9E47-4802-4248-838E-778FB1D2CC05",
        "Microsoft 365 Business Standard",
    ),
];

const TRIAL: (&str, &str) = (
    "CFQ7TTC0LCHC:0007:CFQ7TTC0JT2X",
    "Microsoft 365 Business Premium Trial",
);

// ---------------------------------------------------------------------------
// Invented names. No real companies, people, tenants or addresses.

const PARTNERS: [&str; 8] = [
    "Blue Heron Cloud Services",
    "Lakeshore IT Solutions",
    "Harbor Lane Technology",
    "Summit Peak Cloud",
    "Cinderford Systems",
    "Marigold Managed IT",
    "Tern Valley Networks",
    "Ashgrove Cloud Partners",
];
const COMPANY_FIRST: [&str; 24] = [
    "Amberline",
    "Bramblewood",
    "Copperfield",
    "Driftstone",
    "Emberly",
    "Foxhollow",
    "Granite Bay",
    "Hollowmere",
    "Ironbark",
    "Juniper Row",
    "Kestrel",
    "Larkspur",
    "Millbrook",
    "Northcote",
    "Oakhaven",
    "Pebblebrook",
    "Quarry Hill",
    "Redwater",
    "Silverpine",
    "Thistledown",
    "Umberfield",
    "Valewood",
    "Willowmere",
    "Yarrowdale",
];
const COMPANY_SECOND: [&str; 20] = [
    "Tiles",
    "Bakeries",
    "Dental",
    "Freight",
    "Veterinary",
    "Architects",
    "Brewing",
    "Legal",
    "Outfitters",
    "Robotics",
    "Nurseries",
    "Print Works",
    "Cycles",
    "Optics",
    "Roofing",
    "Logistics",
    "Analytics",
    "Ceramics",
    "Orchards",
    "Pharmacy",
];
const COMPANY_SUFFIX: [&str; 8] = ["Ltd", "Inc", "LLC", "Co", "Group", "PLLC", "LLP", "Corp"];
const FIRST_NAMES: [&str; 16] = [
    "Dana", "Priya", "Marcus", "Jonas", "Hollis", "Tomasz", "Ines", "Celeste", "Oren", "Beatrix",
    "Anselm", "Rukmini", "Tobias", "Wen", "Solveig", "Kwame",
];
const LAST_NAMES: [&str; 16] = [
    "Whitcombe",
    "Okonkwo",
    "Delacroix",
    "Achterberg",
    "Marchetti",
    "Ellery",
    "Halvorsen",
    "Ambrose",
    "Castellanos",
    "Nakamura",
    "Greenhalgh",
    "Varga",
    "Lindqvist",
    "Adeyemi",
    "Brannigan",
    "Quintero",
];
/// (city, state, ZIP prefix, area code)
const US_CITIES: [(&str, &str, &str, &str); 14] = [
    ("Columbus", "OH", "432", "614"),
    ("Madison", "WI", "537", "608"),
    ("Boise", "ID", "837", "208"),
    ("Wichita", "KS", "672", "316"),
    ("Memphis", "TN", "381", "901"),
    ("Duluth", "MN", "558", "218"),
    ("Providence", "RI", "029", "401"),
    ("Savannah", "GA", "314", "912"),
    ("Raleigh", "NC", "276", "919"),
    ("Fort Collins", "CO", "805", "970"),
    ("Spokane", "WA", "992", "509"),
    ("Tucson", "AZ", "857", "520"),
    ("Albany", "NY", "122", "518"),
    ("Omaha", "NE", "681", "402"),
];
const STREETS: [&str; 10] = [
    "Quarry Bend Rd",
    "Tinsmith Lane",
    "Foxglove Ct",
    "Prairie Lark Dr",
    "Lantern Quay",
    "Marsh Hen Wharf",
    "Inkwell Row",
    "Bluebell Mesa Rd",
    "Cobbler's Way",
    "Heron Gate Ave",
];

/// A customer address outside the United States' CSP region.
struct Abroad {
    country: &'static str,
    city: &'static str,
    region: &'static str,
    postal: &'static str,
    phone: &'static str,
    street: &'static str,
    culture: &'static str,
    language: &'static str,
}

const ABROAD: [Abroad; 7] = [
    Abroad {
        country: "DE",
        city: "Würzburg",
        region: "BY",
        postal: "97082",
        phone: "+49931555",
        street: "Kachelweg",
        culture: "de-DE",
        language: "de",
    },
    Abroad {
        country: "FR",
        city: "Lyon",
        region: "",
        postal: "69002",
        phone: "+33478555",
        street: "Rue des Tuiliers",
        culture: "fr-FR",
        language: "fr",
    },
    Abroad {
        country: "NL",
        city: "Utrecht",
        region: "UT",
        postal: "3511 AB",
        phone: "+31305550",
        street: "Tegelstraat",
        culture: "nl-NL",
        language: "nl",
    },
    Abroad {
        country: "JP",
        city: "Sendai",
        region: "",
        postal: "980-0811",
        phone: "+8122555",
        street: "Kawara-dori",
        culture: "ja-JP",
        language: "ja",
    },
    Abroad {
        country: "AU",
        city: "Hobart",
        region: "TAS",
        postal: "7000",
        phone: "+6136555",
        street: "Wattle Row",
        culture: "en-AU",
        language: "en",
    },
    Abroad {
        country: "BR",
        city: "Curitiba",
        region: "PR",
        postal: "80010-000",
        phone: "+55413555",
        street: "Rua das Telhas",
        culture: "pt-BR",
        language: "pt",
    },
    Abroad {
        country: "IN",
        city: "Pune",
        region: "MH",
        postal: "411001",
        phone: "+91205555",
        street: "Tile Market Road",
        culture: "en-IN",
        language: "en",
    },
];

// ---------------------------------------------------------------------------
// The model of a case.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Partners,
    Relationship,
    Region,
    LineItems,
    Limit,
    Eligibility,
    UnchangedTerms,
    AddOns,
    PartnerId,
    OtherTransfer,
}

impl Family {
    const ALL: [Family; 10] = [
        Family::Partners,
        Family::Relationship,
        Family::Region,
        Family::LineItems,
        Family::Limit,
        Family::Eligibility,
        Family::UnchangedTerms,
        Family::AddOns,
        Family::PartnerId,
        Family::OtherTransfer,
    ];
    fn name(self) -> &'static str {
        match self {
            Family::Partners => "partners",
            Family::Relationship => "relationship",
            Family::Region => "region",
            Family::LineItems => "line-items",
            Family::Limit => "limit",
            Family::Eligibility => "eligibility",
            Family::UnchangedTerms => "unchanged-terms",
            Family::AddOns => "add-ons",
            Family::PartnerId => "partner-id",
            Family::OtherTransfer => "other-transfer",
        }
    }
}

#[derive(Clone)]
struct Partner {
    name: &'static str,
    tenant: String,
}

impl Partner {
    fn new(name: &'static str) -> Self {
        Partner {
            name,
            tenant: stable_guid(name),
        }
    }
}

struct Customer {
    id: String,
    name: String,
    domain: String,
    first: &'static str,
    last: &'static str,
    country: &'static str,
    city: &'static str,
    region: &'static str,
    street: String,
    postal: String,
    phone: String,
    culture: &'static str,
    language: &'static str,
    relationship: &'static str,
    commerce_id: String,
    billing_id: String,
    etag: i64,
}

#[derive(Clone)]
struct Sub {
    /// As the export writes it: lower case, upper case for a legacy subscription.
    id: String,
    offer_id: String,
    offer_name: String,
    friendly: String,
    new_commerce: bool,
    quantity: u64,
    cycle: &'static str,
    term: &'static str,
    status: &'static str,
    trial: bool,
    auto_renew: bool,
    /// Upper case, as Partner Center writes it.
    parent: Option<String>,
    has_addons: bool,
    created: String,
    start: Date,
    end: Date,
    /// `commitmentEndDate` with seven zero fraction digits, or with none.
    end_fraction: bool,
    partner_id: String,
    order_id: String,
}

#[derive(Clone)]
struct Item {
    subscription_id: String,
    quantity: u64,
    cycle: &'static str,
    term: Option<&'static str>,
    friendly: String,
    partner_id: Option<String>,
    offer_id: String,
    addons: Vec<Item>,
}

impl Item {
    fn of(sub: &Sub, partner_id: &Option<String>) -> Self {
        Item {
            subscription_id: sub.id.to_uppercase(),
            quantity: sub.quantity,
            cycle: sub.cycle,
            term: sub.new_commerce.then_some(sub.term),
            friendly: sub.friendly.clone(),
            partner_id: partner_id.clone(),
            offer_id: sub.offer_id.clone(),
            addons: Vec::new(),
        }
    }
}

#[derive(Clone)]
struct Transfer {
    id: String,
    status: &'static str,
    customer_tenant: String,
    source: Partner,
    target: Partner,
    created: String,
    modified: String,
    /// `completedTime` for a completed transfer, else `expirationTime`.
    closed: (bool, String),
    last_user: String,
    items: Vec<Item>,
}

struct Case {
    rng: Rng,
    today: Date,
    customer: Customer,
    subs: Vec<Sub>,
    transfer: Transfer,
    /// The customer's other transfers, when `transfers.json` is written.
    others: Option<Vec<Transfer>>,
    partner_id: Option<String>,
    planted: Option<(Family, String, Vec<&'static str>, &'static str)>,
}

impl Case {
    fn generate(seed: u64, index: u64, items: Option<usize>, family: Option<Family>) -> Case {
        let mut rng = Rng::new(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ index.wrapping_add(1));
        let today = date(2026, 2, 1)
            .checked_add((rng.below(26) as i64).days())
            .unwrap_or(date(2026, 2, 1));
        let customer = Customer::generate(&mut rng);
        let mut partners: Vec<&'static str> = PARTNERS.to_vec();
        rng.shuffle(&mut partners);
        let source = Partner::new(partners[0]);
        let target = Partner::new(partners[1]);
        let partner_id = rng
            .chance(0.85)
            .then(|| between(&mut rng, 1_000_000, 6_999_999).to_string());
        let created = timestamp(&mut rng, today, true);
        let modified = if rng.chance(0.5) {
            created.clone()
        } else {
            format!(
                "{today}T{:02}:{:02}:{:02}Z",
                between(&mut rng, 8, 20),
                rng.below(60),
                rng.below(60)
            )
        };
        let expires = format!(
            "{}{}",
            today.checked_add(30.days()).unwrap_or(today),
            &created[10..]
        );
        let transfer = Transfer {
            id: rng.guid(),
            status: "Active",
            customer_tenant: customer.id.clone(),
            source,
            target,
            created,
            modified,
            closed: (false, expires),
            last_user: rng.guid(),
            items: Vec::new(),
        };
        let mut case = Case {
            rng,
            today,
            customer,
            subs: Vec::new(),
            transfer,
            others: None,
            partner_id,
            planted: None,
        };
        let wanted = items.unwrap_or_else(|| between(&mut case.rng, 3, 10) as usize);
        case.fill(wanted);
        case.history();
        if case.rng.chance(0.4) {
            case.others = Some(case.other_transfers());
        }
        if let Some(family) = family {
            case.plant(family);
        }
        case
    }

    /// Bases and add-ons until the transfer has `wanted` line items.
    fn fill(&mut self, wanted: usize) {
        let mut count = 0;
        while count < wanted {
            let base = self.new_base();
            let addon_kinds = BASES[base.1].addons;
            let mut item = Item::of(&self.subs[base.0], &self.partner_id);
            count += 1;
            if count < wanted && !addon_kinds.is_empty() && self.rng.chance(0.35) {
                let kind = *self.rng.pick(addon_kinds);
                let addon = self.new_addon(base.0, kind, "active");
                item.addons
                    .push(Item::of(&self.subs[addon], &self.partner_id));
                count += 1;
            }
            self.transfer.items.push(item);
        }
    }

    /// A new active base subscription of a random offer; returns its index and
    /// its offer's.
    fn new_base(&mut self) -> (usize, usize) {
        let kind = self.rng.pick_index(&BASES);
        self.new_base_of(kind)
    }

    fn new_base_of(&mut self, kind: usize) -> (usize, usize) {
        let offer = &BASES[kind];
        let (cycle, term) = *self.rng.pick(offer.plans);
        let quantity = match self.rng.below(4) {
            0 => between(&mut self.rng, 1, 5),
            1 | 2 => between(&mut self.rng, 5, 60),
            _ => between(&mut self.rng, 60, 300),
        };
        let friendly = if self.rng.chance(0.3) {
            let site = self
                .rng
                .pick(&["HQ", "warehouse", "field staff", "front desk", "finance"]);
            format!("{} - {site}", offer.name)
        } else {
            offer.name.to_string()
        };
        let sub = self.new_sub(
            offer.id,
            offer.name,
            friendly,
            quantity,
            (cycle, term),
            None,
        );
        self.subs.push(sub);
        (self.subs.len() - 1, kind)
    }

    /// A new add-on of the subscription at `base`, with the base's term.
    fn new_addon(&mut self, base: usize, kind: usize, status: &'static str) -> usize {
        let offer = &ADDONS[kind];
        let b = self.subs[base].clone();
        self.subs[base].has_addons = true;
        let quantity = between(&mut self.rng, 1, b.quantity.max(1));
        let mut sub = self.new_sub(
            offer.id,
            offer.name,
            offer.name.to_string(),
            quantity,
            (b.cycle, b.term),
            Some(b.id.to_uppercase()),
        );
        // an add-on is co-terminous with its base
        sub.start = b.start.max(sub.start).min(b.end);
        sub.end = b.end;
        sub.created = timestamp(&mut self.rng, sub.start, true);
        sub.status = status;
        if status != "active" {
            sub.auto_renew = false;
        }
        self.subs.push(sub);
        self.subs.len() - 1
    }

    fn new_sub(
        &mut self,
        offer_id: &str,
        offer_name: &str,
        friendly: String,
        quantity: u64,
        (cycle, term): (&'static str, &'static str),
        parent: Option<String>,
    ) -> Sub {
        let months: i64 = match term {
            "P1M" => 1,
            "P3Y" => 36,
            _ => 12,
        };
        let first = date(2023, 1, 1)
            .checked_add((self.rng.below(1100) as i64).days())
            .unwrap_or(date(2024, 1, 1));
        let first = first.min(self.today.checked_sub(3.days()).unwrap_or(first));
        // the current term: renewed until it ends after today
        let mut start = first;
        let mut end = term_end(start, months);
        while end < self.today {
            start = end.checked_add(1.day()).unwrap_or(end);
            end = term_end(start, months);
        }
        Sub {
            id: self.rng.guid(),
            offer_id: offer_id.to_string(),
            offer_name: offer_name.to_string(),
            friendly,
            new_commerce: true,
            quantity,
            cycle,
            term,
            status: "active",
            trial: false,
            auto_renew: self.rng.chance(0.8),
            parent,
            has_addons: false,
            created: timestamp(&mut self.rng, first, true),
            start,
            end,
            end_fraction: self.rng.chance(0.5),
            partner_id: self.partner_id.clone().unwrap_or_default(),
            order_id: self.rng.hex(12),
        }
    }

    /// A legacy subscription (GUID offer id, no `productType`).
    fn legacy_sub(&mut self, status: &'static str) -> Sub {
        let (offer_id, name) = *self.rng.pick(&LEGACY);
        let first = date(2020, 3, 1)
            .checked_add((self.rng.below(900) as i64).days())
            .unwrap_or(date(2021, 1, 1));
        let active = status == "active";
        let mut start = first;
        let mut end = term_end(start, 12);
        while end < if active { self.today } else { first } {
            start = end.checked_add(1.day()).unwrap_or(end);
            end = term_end(start, 12);
        }
        let created = format!(
            "{first}T{:02}:{:02}:{:02}.{:03}Z",
            between(&mut self.rng, 7, 19),
            self.rng.below(60),
            self.rng.below(60),
            self.rng.below(1000)
        );
        Sub {
            id: self.rng.guid().to_uppercase(),
            offer_id: offer_id.to_string(),
            offer_name: name.to_string(),
            friendly: name.to_string(),
            new_commerce: false,
            quantity: between(&mut self.rng, 3, 80),
            cycle: "annual",
            term: "P1Y",
            status,
            trial: false,
            auto_renew: active,
            parent: None,
            has_addons: true,
            created,
            start,
            end,
            end_fraction: false,
            partner_id: String::new(),
            order_id: self.rng.hex(32).to_uppercase(),
        }
    }

    /// Subscriptions of the export that are not in the transfer: cancelled legacy
    /// ones from before new commerce.
    fn history(&mut self) {
        for _ in 0..self.rng.below(3) {
            let status = *self.rng.pick(&["deleted", "deleted", "expired"]);
            let sub = self.legacy_sub(status);
            let at = self.rng.below(self.subs.len() as u64 + 1) as usize;
            self.subs.insert(at, sub);
        }
    }

    /// The customer's transfers as `GET …/transfers` lists them: this one, and
    /// sometimes a completed transfer of some of the same subscriptions.
    fn other_transfers(&mut self) -> Vec<Transfer> {
        let mut list = vec![self.transfer.clone()];
        if self.rng.chance(0.6) {
            let earlier_source = Partner::new(
                PARTNERS
                    .iter()
                    .copied()
                    .find(|p| *p != self.transfer.source.name && *p != self.transfer.target.name)
                    .unwrap_or(PARTNERS[0]),
            );
            let mut done = self.transfer_like(earlier_source, self.transfer.source.clone());
            done.status = "Completed";
            let day = self
                .today
                .checked_sub((between(&mut self.rng, 120, 500) as i64).days())
                .unwrap_or(self.today);
            done.created = timestamp(&mut self.rng, day, true);
            let closed = timestamp(
                &mut self.rng,
                day.checked_add(2.days()).unwrap_or(day),
                true,
            );
            done.modified = format!("{}Z", &closed[..19]);
            done.closed = (true, closed);
            let take = between(&mut self.rng, 1, self.transfer.items.len() as u64) as usize;
            done.items = self.transfer.items[..take].to_vec();
            list.push(done);
        }
        self.rng.shuffle(&mut list);
        list
    }

    /// A transfer of this customer between two other partners, without line items.
    fn transfer_like(&mut self, source: Partner, target: Partner) -> Transfer {
        let created = timestamp(&mut self.rng, self.today, true);
        Transfer {
            id: self.rng.guid(),
            status: "Active",
            customer_tenant: self.customer.id.clone(),
            source,
            target,
            modified: created.clone(),
            closed: (
                false,
                format!(
                    "{}{}",
                    self.today.checked_add(30.days()).unwrap_or(self.today),
                    &created[10..]
                ),
            ),
            created,
            last_user: self.rng.guid(),
            items: Vec::new(),
        }
    }

    fn plant(&mut self, family: Family) {
        let (what, rules, file): (String, Vec<&'static str>, &'static str) = match family {
            Family::Partners => {
                if self.rng.chance(0.5) {
                    self.transfer.source = Partner {
                        name: self.transfer.target.name,
                        tenant: self.transfer.target.tenant.to_uppercase(),
                    };
                    (
                        "source and target partner are one tenant (id in other case)".into(),
                        vec!["different-partners"],
                        "transfer.json",
                    )
                } else {
                    let other = self.rng.guid();
                    self.transfer.customer_tenant = other.clone();
                    (
                        format!("customerTenantId {other} is another customer's"),
                        vec!["same-customer"],
                        "transfer.json",
                    )
                }
            }
            Family::Relationship => {
                let r = *self.rng.pick(&["none", "none", "advisor"]);
                self.customer.relationship = r;
                (
                    format!("relationshipToPartner \"{r}\""),
                    vec!["reseller-relationship"],
                    "customer.json",
                )
            }
            Family::Region => {
                let a = self.rng.pick(&ABROAD);
                self.customer.country = a.country;
                self.customer.city = a.city;
                self.customer.region = a.region;
                self.customer.postal = a.postal.to_string();
                self.customer.street = format!("{} {}", a.street, between(&mut self.rng, 2, 90));
                self.customer.phone = format!("{}{:04}", a.phone, between(&mut self.rng, 100, 199));
                self.customer.culture = a.culture;
                self.customer.language = a.language;
                (
                    format!("customer in {} ({})", a.country, a.city),
                    vec!["same-region"],
                    "customer.json",
                )
            }
            Family::LineItems => {
                if self.rng.chance(0.5) {
                    let at = self.rng.pick_index(&self.transfer.items);
                    let mut repeat = self.transfer.items[at].clone();
                    repeat.subscription_id = repeat.subscription_id.to_lowercase();
                    repeat.addons.clear();
                    let id = repeat.subscription_id.clone();
                    self.transfer.items.push(repeat);
                    (
                        format!("subscription {id} listed twice"),
                        vec!["duplicate-line-item"],
                        "transfer.json",
                    )
                } else {
                    let id = self.rng.guid().to_uppercase();
                    let offer = self.rng.pick(&BASES);
                    self.transfer.items.push(Item {
                        subscription_id: id.clone(),
                        quantity: between(&mut self.rng, 1, 40),
                        cycle: "annual",
                        term: Some("P1Y"),
                        friendly: offer.name.to_string(),
                        partner_id: self.partner_id.clone(),
                        offer_id: offer.id.to_string(),
                        addons: Vec::new(),
                    });
                    (
                        format!("line item for {id}, not in the export"),
                        vec!["subscription-found"],
                        "transfer.json",
                    )
                }
            }
            Family::Limit => {
                let count = self.line_items();
                let wanted = (MAX_LINE_ITEMS + 1 + self.rng.below(4) as usize).max(count);
                if wanted > count {
                    // `fill` counts from zero: it adds exactly that many items
                    self.fill(wanted - count);
                }
                (
                    format!("{} line items, add-ons counted", self.line_items()),
                    vec!["line-item-limit"],
                    "transfer.json",
                )
            }
            Family::Eligibility => match self.rng.below(3) {
                0 => {
                    let sub = self.legacy_sub("active");
                    let item = Item::of(&sub, &self.partner_id);
                    let id = sub.id.clone();
                    self.subs.push(sub);
                    self.transfer.items.push(item);
                    (
                        format!("legacy subscription {id} (GUID offer, no productType)"),
                        vec!["new-commerce-only"],
                        "subscriptions.json",
                    )
                }
                1 => {
                    let at = self.rng.pick_index(&self.transfer.items);
                    let id = self.transfer.items[at].subscription_id.to_lowercase();
                    if let Some(s) = self.subs.iter_mut().find(|s| s.id == id) {
                        s.status = "suspended";
                        s.auto_renew = false;
                    }
                    (
                        format!("subscription {id} is suspended"),
                        vec!["active-subscription"],
                        "subscriptions.json",
                    )
                }
                _ => {
                    let mut sub = self.new_sub(
                        TRIAL.0,
                        TRIAL.1,
                        TRIAL.1.to_string(),
                        25,
                        ("none", "P1M"),
                        None,
                    );
                    sub.trial = true;
                    sub.auto_renew = false;
                    // a trial of the last few weeks
                    sub.start = self
                        .today
                        .checked_sub((between(&mut self.rng, 1, 25) as i64).days())
                        .unwrap_or(self.today);
                    sub.end = term_end(sub.start, 1);
                    sub.created = timestamp(&mut self.rng, sub.start, true);
                    let id = sub.id.clone();
                    self.transfer.items.push(Item::of(&sub, &self.partner_id));
                    self.subs.push(sub);
                    (
                        format!("trial subscription {id}"),
                        vec!["no-trial"],
                        "subscriptions.json",
                    )
                }
            },
            Family::UnchangedTerms => {
                let at = self.rng.pick_index(&self.transfer.items);
                let item = &mut self.transfer.items[at];
                let id = item.subscription_id.clone();
                let variant = if item.quantity < 2 {
                    1 + self.rng.below(2)
                } else {
                    self.rng.below(3)
                };
                match variant {
                    0 => {
                        let sub_quantity = item.quantity;
                        item.quantity = between(&mut self.rng, 1, sub_quantity - 1);
                        (
                            format!("{id}: {} of {sub_quantity} licenses", item.quantity),
                            vec!["whole-quantity"],
                            "transfer.json",
                        )
                    }
                    1 => {
                        let sub_cycle = item.cycle;
                        item.cycle = if sub_cycle == "monthly" {
                            "annual"
                        } else {
                            "monthly"
                        };
                        (
                            format!(
                                "{id}: billingCycle {} for a {sub_cycle} subscription",
                                item.cycle
                            ),
                            vec!["same-billing-cycle"],
                            "transfer.json",
                        )
                    }
                    _ => {
                        let other = BASES
                            .iter()
                            .chain(ADDONS.iter())
                            .find(|o| o.id == item.offer_id)
                            .map_or("CFQ7TTC0LH18:0001:CFQ7TTC0HB7F", |o| o.other_availability);
                        item.offer_id = other.to_string();
                        (
                            format!("{id}: offerId {other} differs from the subscription's"),
                            vec!["same-offer"],
                            "transfer.json",
                        )
                    }
                }
            }
            Family::AddOns => {
                if self.rng.chance(0.5) {
                    // an add-on in the transfer whose base stays behind
                    let (base, kind) = self.new_base_with_addons();
                    let addon = self.new_addon(base, kind, "active");
                    self.transfer
                        .items
                        .push(Item::of(&self.subs[addon], &self.partner_id));
                    let id = self.subs[addon].id.clone();
                    (
                        format!("add-on {id} without its base"),
                        vec!["add-on-with-base"],
                        "subscriptions.json",
                    )
                } else {
                    // a base in the transfer whose active add-on stays behind
                    let (base, kind) = self.new_base_with_addons();
                    self.transfer
                        .items
                        .push(Item::of(&self.subs[base], &self.partner_id));
                    let addon = self.new_addon(base, kind, "active");
                    let id = self.subs[addon].id.clone();
                    (
                        format!("active add-on {id} left behind"),
                        vec!["base-with-add-ons"],
                        "subscriptions.json",
                    )
                }
            }
            Family::PartnerId => {
                let bad = *self
                    .rng
                    .pick(&["", "12AB", "48172", "PID-4817263", "48 17263"]);
                let at = self.rng.pick_index(&self.transfer.items);
                let nested = !self.transfer.items[at].addons.is_empty() && self.rng.chance(0.5);
                let item = if nested {
                    &mut self.transfer.items[at].addons[0]
                } else {
                    &mut self.transfer.items[at]
                };
                item.partner_id = Some(bad.to_string());
                (
                    format!("partnerIdOnRecord \"{bad}\" on {}", item.subscription_id),
                    vec!["partner-id-on-record"],
                    "transfer.json",
                )
            }
            Family::OtherTransfer => {
                let rival = Partner::new(
                    PARTNERS
                        .iter()
                        .copied()
                        .find(|p| {
                            *p != self.transfer.source.name && *p != self.transfer.target.name
                        })
                        .unwrap_or(PARTNERS[7]),
                );
                let mut open = self.transfer_like(self.transfer.source.clone(), rival);
                let at = self.rng.pick_index(&self.transfer.items);
                let mut item = self.transfer.items[at].clone();
                item.addons.clear();
                item.subscription_id = item.subscription_id.to_lowercase();
                let id = item.subscription_id.clone();
                open.items.push(item);
                let mut list = self
                    .others
                    .take()
                    .unwrap_or_else(|| vec![self.transfer.clone()]);
                list.push(open);
                self.rng.shuffle(&mut list);
                self.others = Some(list);
                (
                    format!("{id} is in another Active transfer"),
                    vec!["not-in-other-transfer"],
                    "transfer.json",
                )
            }
        };
        self.planted = Some((family, what, rules, file));
    }

    /// A new base whose offer can carry add-ons; returns its index and an add-on kind.
    fn new_base_with_addons(&mut self) -> (usize, usize) {
        let kinds: Vec<usize> = (0..BASES.len())
            .filter(|&k| !BASES[k].addons.is_empty())
            .collect();
        let kind = *self.rng.pick(&kinds);
        let (base, _) = self.new_base_of(kind);
        (base, *self.rng.pick(BASES[kind].addons))
    }

    fn line_items(&self) -> usize {
        self.transfer.items.iter().map(|i| 1 + i.addons.len()).sum()
    }

    /// The manifest columns: family, what was planted, expected rule ids, file.
    fn expected(&self) -> (String, String, String, String) {
        let mut rules: Vec<&str> = Vec::new();
        let mut files: Vec<&str> = Vec::new();
        let (family, what) = match &self.planted {
            Some((family, what, r, file)) => {
                rules.extend(r.iter().copied());
                files.push(*file);
                (family.name().to_string(), what.clone())
            }
            None => ("clean".to_string(), "-".to_string()),
        };
        if self.line_items() > MAX_LINE_ITEMS && !rules.contains(&"line-item-limit") {
            rules.push("line-item-limit");
            files.push("transfer.json");
        }
        let join = |xs: &[&str]| {
            if xs.is_empty() {
                "-".to_string()
            } else {
                xs.join(",")
            }
        };
        (family, what, join(&rules), join(&files))
    }

    // -- rendering ----------------------------------------------------------

    fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let put = |name: &str, value: Json| -> std::io::Result<()> {
            let mut text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
            text.push('\n');
            std::fs::write(dir.join(name), text)
        };
        put("transfer.json", self.transfer.to_json(&self.customer))?;
        let subs: Vec<Json> = self
            .subs
            .iter()
            .map(|s| s.to_json(&self.customer))
            .collect();
        put("subscriptions.json", self.collection("subscriptions", subs))?;
        put("customer.json", self.customer.to_json())?;
        let transfers = dir.join("transfers.json");
        match &self.others {
            Some(list) => {
                let items = list.iter().map(|t| t.to_json(&self.customer)).collect();
                put("transfers.json", self.collection("transfers", items))?;
            }
            // a stale file from an earlier run would change the case
            None if transfers.exists() => std::fs::remove_file(transfers)?,
            None => {}
        }
        Ok(())
    }

    fn collection(&self, kind: &str, items: Vec<Json>) -> Json {
        json!({
            "totalCount": items.len(),
            "items": items,
            "links": {"self": link(&format!("/customers/{}/{kind}", self.customer.id))},
            "attributes": {"objectType": "Collection"},
        })
    }
}

impl Customer {
    fn generate(rng: &mut Rng) -> Customer {
        let first_word = *rng.pick(&COMPANY_FIRST);
        let second_word = *rng.pick(&COMPANY_SECOND);
        let name = format!("{first_word} {second_word} {}", rng.pick(&COMPANY_SUFFIX));
        let domain: String = format!("{first_word}{second_word}")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let (city, state, zip, area) = *rng.pick(&US_CITIES);
        let street = format!("{} {}", between(rng, 10, 9800), rng.pick(&STREETS));
        Customer {
            id: rng.guid(),
            name,
            domain: format!("{domain}.example"),
            first: FIRST_NAMES[rng.pick_index(&FIRST_NAMES)],
            last: LAST_NAMES[rng.pick_index(&LAST_NAMES)],
            country: "US",
            city,
            region: state,
            street,
            postal: format!("{zip}{:02}", between(rng, 1, 99)),
            // 555-0100 to 555-0199: numbers reserved for fiction
            phone: format!("{area}5550{:03}", between(rng, 100, 199)),
            culture: "en-US",
            language: "en",
            relationship: "reseller",
            commerce_id: rng.guid(),
            billing_id: rng.guid(),
            etag: -((rng.next_u64() >> 2) as i64),
        }
    }

    fn to_json(&self) -> Json {
        let id = &self.id;
        json!({
            "id": id,
            "commerceId": self.commerce_id,
            "companyProfile": {
                "tenantId": id,
                "domain": self.domain,
                "companyName": self.name,
                "address": {
                    "country": self.country,
                    "region": self.region.to_lowercase(),
                    "city": self.city,
                    "addressLine1": self.street,
                    "postalCode": self.postal,
                    "phoneNumber": self.phone,
                },
                "email": format!("{}.{}@{}", self.first.to_lowercase(), self.last.to_lowercase(), self.domain),
                "links": {"self": link(&format!("/customers/{id}/profiles/company"))},
                "attributes": {"objectType": "CustomerCompanyProfile"},
            },
            "billingProfile": {
                "id": self.billing_id,
                "firstName": self.first,
                "lastName": self.last,
                "email": format!("accounts@{}", self.domain),
                "culture": self.culture,
                "language": self.language,
                "companyName": self.name,
                "defaultAddress": {
                    "country": self.country,
                    "city": self.city,
                    "state": self.region,
                    "addressLine1": self.street,
                    "postalCode": self.postal,
                    "firstName": self.first,
                    "lastName": self.last,
                    "phoneNumber": self.phone,
                },
                "links": {"self": link(&format!("/customers/{id}/profiles/billing"))},
                "attributes": {"etag": self.etag.to_string(), "objectType": "CustomerBillingProfile"},
            },
            "relationshipToPartner": self.relationship,
            "allowDelegatedAccess": true,
            "customDomains": [self.domain],
            "links": {"self": link(&format!("/customers/{id}"))},
            "attributes": {"objectType": "Customer"},
        })
    }
}

impl Sub {
    fn to_json(&self, customer: &Customer) -> Json {
        let mut s = serde_json::Map::new();
        let mut put = |k: &str, v: Json| {
            s.insert(k.to_string(), v);
        };
        put("id", json!(self.id));
        if !self.new_commerce {
            put("entitlementId", json!(self.id.to_lowercase()));
        }
        put("offerId", json!(self.offer_id));
        put("offerName", json!(self.offer_name));
        put("friendlyName", json!(self.friendly));
        if self.new_commerce {
            put(
                "productType",
                json!({"id": "OnlineServicesNCE", "displayName": "OnlineServicesNCE"}),
            );
        }
        put("quantity", json!(self.quantity));
        put("unitType", json!("Licenses"));
        if let Some(parent) = &self.parent {
            put("parentSubscriptionId", json!(parent));
        }
        put("hasPurchasableAddons", json!(self.has_addons));
        put("creationDate", json!(self.created));
        put(
            "effectiveStartDate",
            json!(format!("{}T00:00:00Z", self.start)),
        );
        let fraction = if self.end_fraction { ".0000000" } else { "" };
        put(
            "commitmentEndDate",
            json!(format!("{}T00:00:00{fraction}Z", self.end)),
        );
        put("status", json!(self.status));
        if self.status == "suspended" {
            put("suspensionReasons", json!(["PartnerInitiated"]));
        }
        put("autoRenewEnabled", json!(self.auto_renew));
        put("isTrial", json!(self.trial));
        put("billingType", json!("license"));
        put("billingCycle", json!(self.cycle));
        let customer_id = &customer.id;
        if self.new_commerce {
            put("termDuration", json!(self.term));
            put("renewalTermDuration", json!(""));
            put("refundOptions", json!([]));
        }
        put("isMicrosoftProduct", json!(true));
        put("partnerId", json!(self.partner_id));
        if self.new_commerce {
            put("attentionNeeded", json!(false));
            put("actionTaken", json!(false));
        }
        put("contractType", json!("subscription"));
        let mut links = serde_json::Map::new();
        if self.new_commerce {
            let mut parts = self.offer_id.split(':');
            let (product, sku, availability) = (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            );
            links.insert(
                "product".into(),
                link(&format!("/products/{product}?country=US")),
            );
            links.insert(
                "sku".into(),
                link(&format!("/products/{product}/skus/{sku}?country=US")),
            );
            links.insert(
                "availability".into(),
                link(&format!(
                    "/products/{product}/skus/{sku}/availabilities/{availability}?country=US"
                )),
            );
        } else {
            links.insert(
                "offer".into(),
                link(&format!("/offers/{}?country=US", self.offer_id)),
            );
        }
        if let Some(parent) = &self.parent {
            links.insert(
                "parentSubscription".into(),
                link(&format!("/customers/{customer_id}/subscriptions/{parent}")),
            );
        }
        links.insert(
            "self".into(),
            link(&format!(
                "/customers/{customer_id}/subscriptions/{}",
                self.id
            )),
        );
        put("links", Json::Object(links));
        if self.new_commerce {
            put("publisherName", json!("Microsoft Corporation"));
        }
        put("orderId", json!(self.order_id));
        let version = if self.new_commerce { 1 } else { 3 };
        put(
            "attributes",
            json!({"etag": etag(&self.id, version), "objectType": "Subscription"}),
        );
        Json::Object(s)
    }
}

impl Item {
    fn to_json(&self, id: usize) -> Json {
        let mut m = serde_json::Map::new();
        m.insert("id".into(), json!(id));
        m.insert("subscriptionId".into(), json!(self.subscription_id));
        m.insert("quantity".into(), json!(self.quantity));
        m.insert("billingCycle".into(), json!(self.cycle));
        if let Some(term) = self.term {
            m.insert("termDuration".into(), json!(term));
        }
        m.insert("friendlyName".into(), json!(self.friendly));
        if let Some(pid) = &self.partner_id {
            m.insert("partnerIdOnRecord".into(), json!(pid));
        }
        m.insert("offerId".into(), json!(self.offer_id));
        let addons: Vec<Json> = self
            .addons
            .iter()
            .enumerate()
            .map(|(i, a)| a.to_json(i))
            .collect();
        m.insert("addonItems".into(), Json::Array(addons));
        Json::Object(m)
    }
}

impl Transfer {
    fn to_json(&self, customer: &Customer) -> Json {
        let mut m = serde_json::Map::new();
        let mut put = |k: &str, v: Json| {
            m.insert(k.to_string(), v);
        };
        put("id", json!(self.id));
        put("status", json!(self.status));
        put("transferType", json!("NewCommerce"));
        put(
            "customerEmailId",
            json!(format!("it-admin@{}", customer.domain)),
        );
        put("createdTime", json!(self.created));
        put("lastModifiedTime", json!(self.modified));
        let (completed, at) = &self.closed;
        put(
            if *completed {
                "completedTime"
            } else {
                "expirationTime"
            },
            json!(at),
        );
        put("customerName", json!(customer.name));
        put("customerTenantId", json!(self.customer_tenant));
        put("partnertenantid", json!(self.target.tenant));
        put("sourcePartnerName", json!(self.source.name));
        put("sourcePartnerTenantId", json!(self.source.tenant));
        put("targetPartnerName", json!(self.target.name));
        put("targetPartnerTenantId", json!(self.target.tenant));
        put("targetPartnerEmailId", json!(self.target.tenant));
        put("lastModifiedUser", json!(self.last_user));
        let items: Vec<Json> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| item.to_json(i))
            .collect();
        put("lineItems", Json::Array(items));
        put(
            "links",
            json!({"self": link(&format!("/customers/{}/transfers/{}", customer.id, self.id))}),
        );
        put("attributes", json!({"objectType": "TransferEntity"}));
        Json::Object(m)
    }
}

// ---------------------------------------------------------------------------
// Helpers.

fn link(uri: &str) -> Json {
    json!({"uri": uri, "method": "GET", "headers": []})
}

/// The last day of a term of `months` months starting on `start`.
fn term_end(start: Date, months: i64) -> Date {
    start
        .checked_add(months.months())
        .and_then(|d| d.yesterday())
        .unwrap_or(start)
}

/// A timestamp on `day`, with seven fraction digits (as Partner Center writes
/// creation times) or none.
fn timestamp(rng: &mut Rng, day: Date, fraction: bool) -> String {
    let (h, m, s) = (between(rng, 6, 21), rng.below(60), rng.below(60));
    if fraction {
        format!("{day}T{h:02}:{m:02}:{s:02}.{:07}Z", rng.below(10_000_000))
    } else {
        format!("{day}T{h:02}:{m:02}:{s:02}Z")
    }
}

/// An etag like Partner Center's: base64 of a small JSON object.
fn etag(id: &str, version: u32) -> String {
    base64(format!("{{\"id\":\"{id}\",\"version\":{version}}}").as_bytes())
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
