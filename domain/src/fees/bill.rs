//! A household's season bill: what the company's billing system states,
//! or, where a company has none, what its tariff computes; and what is
//! still owed after reductions and payments.
//!
//! heatdesk is not the billing system of record: an imported bill is kept
//! as stated. The computation is for companies without one: heated area ×
//! the price per m² for the household's type, and for a suspended (报停)
//! household the base-fee share of that (Shandong's 供热条例 Art. 23 bounds
//! a metered home's area-based basic part at 30 % of the full price; the
//! share for 报停 households is the company's, set by an admin).

use super::money::{divide_rounding_half_up, CentiM2, Fen, MAX_FEN};
use crate::service_change::ServiceState;
use serde::{Deserialize, Serialize};
use translations::{text, Lang, StaticText};

/// Basis points in a whole: a share of 3000 is 30 %.
pub const WHOLE_BASIS_POINTS: i64 = 10_000;

/// The household types a tariff distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HouseholdType {
    /// 居民
    Residential,
    /// 非居民 (shops, offices)
    NonResidential,
}

impl HouseholdType {
    pub const ALL: [Self; 2] = [Self::Residential, Self::NonResidential];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Residential => "residential",
            Self::NonResidential => "non_residential",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Residential => text::fees_household_residential(lang),
            Self::NonResidential => text::fees_household_non_residential(lang),
        }
    }
}

/// A company's price for one household type and season.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    /// 分 per m² of heated area for the season.
    pub price_per_m2: Fen,
    /// The share of the full amount a suspended household pays (基本热费),
    /// in basis points (0..=10000).
    pub suspended_share_bp: i64,
}

/// Why a tariff an admin entered cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TariffError {
    PriceOutOfRange,
    ShareOutOfRange,
}

impl TariffError {
    /// What the person reads.
    pub fn text(self) -> StaticText {
        match self {
            Self::PriceOutOfRange => text::fees_price_out_of_range,
            Self::ShareOutOfRange => text::fees_share_out_of_range,
        }
    }
}

/// The highest price per m² a tariff may state: ¥1,000.
pub const MAX_PRICE_PER_M2: Fen = Fen(100_000);

impl Tariff {
    pub fn new(price_per_m2: Fen, suspended_share_bp: i64) -> Result<Self, TariffError> {
        if !(1..=MAX_PRICE_PER_M2.0).contains(&price_per_m2.0) {
            return Err(TariffError::PriceOutOfRange);
        }
        if !(0..=WHOLE_BASIS_POINTS).contains(&suspended_share_bp) {
            return Err(TariffError::ShareOutOfRange);
        }
        Ok(Self {
            price_per_m2,
            suspended_share_bp,
        })
    }

    /// The season's amount for a household of `area` in `service`:
    /// area × price (rounded half up to the 分), a suspended household's
    /// share of that, nothing for a household not connected. `None` above
    /// the largest amount the portal handles ([`MAX_FEN`]), never capped.
    pub fn season_amount(self, area: CentiM2, service: ServiceState) -> Option<Fen> {
        let full = divide_rounding_half_up(
            i128::from(area.0.max(0)) * i128::from(self.price_per_m2.0),
            100,
        );
        let amount = match service {
            ServiceState::Heated => full,
            ServiceState::Suspended => divide_rounding_half_up(
                i128::from(full) * i128::from(self.suspended_share_bp),
                i128::from(WHOLE_BASIS_POINTS),
            ),
            ServiceState::NotConnected => 0,
        };
        (amount <= MAX_FEN).then_some(Fen(amount))
    }
}

/// A bill's money as it stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillFigures {
    /// What the season costs, as billed.
    pub amount: Fen,
    /// Fee reductions granted (heat that fell short).
    pub reductions: Fen,
    /// Money received through verified payments.
    pub paid: Fen,
    /// Money sent back through refunds that succeeded.
    pub refunded: Fen,
}

/// Whether a bill has been paid, the only thing a grid worker sees of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaidStatus {
    Unpaid,
    PartlyPaid,
    Paid,
}

impl PaidStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unpaid => "unpaid",
            Self::PartlyPaid => "partly_paid",
            Self::Paid => "paid",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Unpaid => text::fees_status_unpaid(lang),
            Self::PartlyPaid => text::fees_status_partly_paid(lang),
            Self::Paid => text::fees_status_paid(lang),
        }
    }
}

impl BillFigures {
    /// What the household is to pay in all: the amount less reductions.
    pub fn due(self) -> Fen {
        Fen((self.amount.0 - self.reductions.0).max(0))
    }

    /// Money the company holds for this bill.
    pub fn kept(self) -> Fen {
        Fen(self.paid.0 - self.refunded.0)
    }

    /// What is still to pay.
    pub fn owed(self) -> Fen {
        Fen((self.due().0 - self.kept().0).max(0))
    }

    /// Money held beyond what is due (a second payment, or a reduction
    /// after paying): to be refunded.
    pub fn overpaid(self) -> Fen {
        Fen((self.kept().0 - self.due().0).max(0))
    }

    pub fn status(self) -> PaidStatus {
        if self.owed().0 == 0 {
            PaidStatus::Paid
        } else if self.kept().0 > 0 {
            PaidStatus::PartlyPaid
        } else {
            PaidStatus::Unpaid
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tariff(price: i64, share: i64) -> Tariff {
        Tariff::new(Fen(price), share).unwrap()
    }

    #[test]
    fn a_heated_home_pays_area_times_price() {
        // 89.52 m² × ¥22.00 = ¥1969.44
        let t = tariff(2200, 3000);
        assert_eq!(
            t.season_amount(CentiM2(8952), ServiceState::Heated),
            Some(Fen(196944))
        );
        // 30 % of that, rounded half up: 59083.2 → 59083
        assert_eq!(
            t.season_amount(CentiM2(8952), ServiceState::Suspended),
            Some(Fen(59083))
        );
        assert_eq!(
            t.season_amount(CentiM2(8952), ServiceState::NotConnected),
            Some(Fen(0))
        );
        // 0.01 m² × ¥0.50 = 0.5 分, rounded up to 1.
        assert_eq!(
            tariff(50, 0).season_amount(CentiM2(1), ServiceState::Heated),
            Some(Fen(1))
        );
        // 100,000 m² at ¥1,000 is beyond what the portal handles: refused, not capped.
        assert_eq!(
            tariff(100_000, 0).season_amount(CentiM2(10_000_000), ServiceState::Heated),
            None
        );
    }

    #[test]
    fn tariffs_out_of_range_are_refused() {
        assert_eq!(Tariff::new(Fen(0), 0), Err(TariffError::PriceOutOfRange));
        assert_eq!(
            Tariff::new(Fen(100_001), 0),
            Err(TariffError::PriceOutOfRange)
        );
        assert_eq!(
            Tariff::new(Fen(2200), 10_001),
            Err(TariffError::ShareOutOfRange)
        );
        assert_eq!(
            Tariff::new(Fen(2200), -1),
            Err(TariffError::ShareOutOfRange)
        );
    }

    #[test]
    fn what_is_owed_follows_payments_reductions_and_refunds() {
        let bill = BillFigures {
            amount: Fen(200000),
            ..Default::default()
        };
        assert_eq!(bill.status(), PaidStatus::Unpaid);
        let part = BillFigures {
            paid: Fen(50000),
            ..bill
        };
        assert_eq!(
            (part.owed(), part.status()),
            (Fen(150000), PaidStatus::PartlyPaid)
        );
        let twice = BillFigures {
            paid: Fen(400000),
            ..bill
        };
        assert_eq!((twice.owed(), twice.overpaid()), (Fen(0), Fen(200000)));
        let reduced = BillFigures {
            paid: Fen(200000),
            reductions: Fen(20000),
            ..bill
        };
        assert_eq!(
            (reduced.status(), reduced.overpaid()),
            (PaidStatus::Paid, Fen(20000))
        );
        let refunded = BillFigures {
            refunded: Fen(20000),
            ..reduced
        };
        assert_eq!((refunded.owed(), refunded.overpaid()), (Fen(0), Fen(0)));
    }

    proptest! {
        #[test]
        fn a_suspended_home_never_pays_more_than_a_heated_one(
            area in 0i64..=super::super::money::MAX_CENTI_M2,
            price in 1i64..=MAX_PRICE_PER_M2.0,
            share in 0i64..=WHOLE_BASIS_POINTS,
        ) {
            let t = tariff(price, share);
            let exact = i128::from(area) * i128::from(price);
            match t.season_amount(CentiM2(area), ServiceState::Heated) {
                Some(heated) => {
                    let suspended = t.season_amount(CentiM2(area), ServiceState::Suspended).unwrap();
                    prop_assert!(Fen(0) <= suspended && suspended <= heated);
                    // Within half a 分 of the exact product.
                    prop_assert!((i128::from(heated.0) * 100 - exact).abs() * 2 <= 100);
                }
                None => prop_assert!(exact > i128::from(MAX_FEN) * 100),
            }
        }

        #[test]
        fn a_larger_home_never_pays_less(
            area in 0i64..500_000, more in 0i64..500_000, price in 1i64..=MAX_PRICE_PER_M2.0,
        ) {
            let t = tariff(price, 3000);
            let smaller = t.season_amount(CentiM2(area), ServiceState::Heated).unwrap();
            let larger = t.season_amount(CentiM2(area + more), ServiceState::Heated).unwrap();
            prop_assert!(smaller <= larger);
        }

        #[test]
        fn owed_and_overpaid_balance_the_bill(
            amount in 0i64..10_000_000, reductions in 0i64..10_000_000,
            paid in 0i64..20_000_000, refunded_share in 0i64..=100,
        ) {
            let refunded = paid * refunded_share / 100;
            let bill = BillFigures { amount: Fen(amount), reductions: Fen(reductions), paid: Fen(paid), refunded: Fen(refunded) };
            prop_assert!(bill.owed().0 >= 0 && bill.overpaid().0 >= 0);
            prop_assert!(bill.owed().0 == 0 || bill.overpaid().0 == 0);
            prop_assert_eq!(bill.kept().0 + bill.owed().0 - bill.overpaid().0, bill.due().0);
            prop_assert_eq!(bill.status() == PaidStatus::Paid, bill.owed().0 == 0);
        }
    }
}
