//! When the demo's complaints arrive and where each one ends up.
//!
//! Arrival times spread over the past twelve months the way a Chinese service centre sees them:
//! more on weekdays and in office hours, a 618 bump in June, the 双十一 peak in November (with
//! its after-sales tail), quiet days around the Spring Festival and National Day, a slowly
//! growing business, and a fresh batch from the last few days so the queues look alive.
//!
//! End states follow age: old complaints are closed or archived, recent ones are still open.
//! Every state of the loop is present whenever there are enough complaints to go round.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use cloop_domain::case_no::china_offset;
use cloop_domain::model::State;
use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;

/// One planned complaint: when it arrived and which state its walk ends in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// When the customer complained.
    pub received_at: DateTime<Utc>,
    /// The state the demo walks it to.
    pub target: State,
}

/// Complaint volume by hour of the day (China time), office hours busiest.
const HOUR_WEIGHTS: [f64; 24] = [
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 1.2, 2.2, 2.6, 2.4, 1.5, 1.8, 2.4, 2.5, 2.3, 1.8, 1.2, 1.3, 1.4, 1.2,
    0.8, 0.4,
];

/// How many days back the "last few days" batch reaches.
const RECENT_DAYS: i64 = 4;

/// Relative volume of a China calendar day.
fn day_weight(day: NaiveDate, days_back: i64) -> f64 {
    let weekday = match day.weekday() {
        Weekday::Mon => 1.15,
        Weekday::Tue => 1.1,
        Weekday::Wed => 1.05,
        Weekday::Thu => 1.0,
        Weekday::Fri => 1.0,
        Weekday::Sat => 0.75,
        Weekday::Sun => 0.65,
    };
    let season = match (day.month(), day.day()) {
        (11, 1..=10) => 1.6,
        (11, 11..=20) => 3.0,
        (11, _) => 1.8,
        (12, 1..=7) => 1.3,
        (6, 18..=25) => 1.6,
        (2, 1..=15) => 0.6,
        (10, 1..=7) => 0.7,
        (10, 8..=12) => 1.3,
        _ => 1.0,
    };
    // The business grows: a year ago volumes were about a quarter lower.
    let trend = 1.15 - 0.3 * (days_back as f64 / 365.0);
    weekday * season * trend
}

/// A moment on `day` (China time) drawn from the hour pattern.
fn moment_on<R: Rng + ?Sized>(rng: &mut R, day: NaiveDate, hours: &WeightedIndex<f64>) -> DateTime<Utc> {
    let hour = hours.sample(rng) as u32;
    let local = day.and_hms_opt(hour, rng.random_range(0..60), rng.random_range(0..60)).expect("valid time of day");
    china_offset().from_local_datetime(&local).single().expect("UTC+8 has no gaps").with_timezone(&Utc)
}

/// `n` arrival times before `now`, oldest first.
pub fn received_times<R: Rng + ?Sized>(rng: &mut R, n: usize, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let hours = WeightedIndex::new(HOUR_WEIGHTS).expect("positive hour weights");
    let latest = now - Duration::minutes(15);
    let today = now.with_timezone(&china_offset()).date_naive();
    let n_recent = ((n as f64 * 0.07).round() as usize).max(16).min(n / 3);
    let days: Vec<(NaiveDate, i64)> = (RECENT_DAYS..365).map(|back| (today - Duration::days(back), back)).collect();
    let weights = WeightedIndex::new(days.iter().map(|(d, back)| day_weight(*d, *back))).expect("positive weights");
    let recent_days: Vec<NaiveDate> = (0..RECENT_DAYS).map(|back| today - Duration::days(back)).collect();

    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let at = if i < n_recent {
            // The last few days, today included (never in the future).
            let mut at = latest;
            for _ in 0..50 {
                let day = recent_days[rng.random_range(0..recent_days.len())];
                let candidate = moment_on(rng, day, &hours);
                if candidate <= latest {
                    at = candidate;
                    break;
                }
            }
            at
        } else {
            let day = days[weights.sample(rng)].0;
            moment_on(rng, day, &hours)
        };
        out.push(at);
    }
    out.sort();
    out
}

/// End-state weights by age of the complaint.
fn target_weights(age: Duration, archive_ok: bool) -> Vec<(State, u32)> {
    use State::*;
    let days = age.num_hours() as f64 / 24.0;
    let mut w = if days < 1.0 {
        vec![
            (Received, 30),
            (Assigned, 22),
            (Investigating, 20),
            (Invalid, 5),
            (PendingApproval, 5),
            (AwaitingCustomer, 6),
            (Resolved, 12),
        ]
    } else if days < RECENT_DAYS as f64 {
        vec![
            (Received, 6),
            (Assigned, 10),
            (Investigating, 22),
            (PendingApproval, 10),
            (AwaitingCustomer, 12),
            (Executing, 13),
            (Resolved, 14),
            (SecondaryReview, 4),
            (Invalid, 4),
            (Closed, 5),
        ]
    } else if days < 21.0 {
        vec![
            (Investigating, 6),
            (PendingApproval, 2),
            (AwaitingCustomer, 3),
            (Executing, 7),
            (Resolved, 10),
            (SecondaryReview, 3),
            (Closed, 64),
            (Invalid, 5),
        ]
    } else {
        vec![(Closed, 91), (Invalid, 6), (Investigating, 1), (Executing, 1), (SecondaryReview, 1)]
    };
    if archive_ok {
        // Most of what closed long ago has been archived since.
        for (state, weight) in &mut w {
            if *state == Closed {
                *weight = 38;
            }
        }
        w.push((Archived, 56));
    }
    w
}

/// Picks each complaint's end state from its age, then makes sure every state of the loop
/// appears at least once (when `times` is long enough) by re-targeting a complaint of a
/// fitting age whose state is well represented.
pub fn targets<R: Rng + ?Sized>(
    rng: &mut R,
    times: &[DateTime<Utc>],
    now: DateTime<Utc>,
    archive_after: Duration,
) -> Vec<Slot> {
    let archive_age = archive_after + Duration::days(100);
    let mut slots: Vec<Slot> = times
        .iter()
        .map(|&received_at| {
            let age = now - received_at;
            let w = target_weights(age, age > archive_age);
            let index = WeightedIndex::new(w.iter().map(|x| x.1)).expect("positive weights").sample(rng);
            Slot { received_at, target: w[index].0 }
        })
        .collect();

    for &state in State::ALL {
        if slots.iter().any(|s| s.target == state) {
            continue;
        }
        let fits = |s: &Slot| {
            let age = now - s.received_at;
            match state {
                State::Archived => age > archive_age,
                State::Closed => age > Duration::days(21),
                State::Invalid => true,
                _ => age > Duration::hours(6) && age < Duration::days(RECENT_DAYS + 10),
            }
        };
        let count = |slots: &[Slot], st: State| slots.iter().filter(|s| s.target == st).count();
        let candidates: Vec<usize> =
            (0..slots.len()).filter(|&i| fits(&slots[i]) && count(&slots, slots[i].target) >= 2).collect();
        if candidates.is_empty() {
            continue;
        }
        let pick = candidates[rng.random_range(0..candidates.len())];
        slots[pick].target = state;
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn arrivals_lie_in_the_past_year_with_a_november_peak() {
        let mut rng = StdRng::seed_from_u64(7);
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 4, 0, 0).unwrap();
        let times = received_times(&mut rng, 5000, now);
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times.iter().all(|t| *t < now && *t > now - Duration::days(366)));
        let per_month = |m: u32| times.iter().filter(|t| t.with_timezone(&china_offset()).month() == m).count();
        assert!(per_month(11) > per_month(9) * 3 / 2, "Nov {} vs Sep {}", per_month(11), per_month(9));
        let recent = times.iter().filter(|t| now - **t < Duration::days(RECENT_DAYS)).count();
        assert!(recent >= 300, "{recent} in the last days");
    }

    #[test]
    fn every_state_is_targeted_even_for_a_small_demo() {
        let mut rng = StdRng::seed_from_u64(11);
        let now = Utc::now();
        let times = received_times(&mut rng, 150, now);
        let slots = targets(&mut rng, &times, now, Duration::zero());
        for &state in State::ALL {
            assert!(slots.iter().any(|s| s.target == state), "{state} missing");
        }
        let old_closed = slots
            .iter()
            .filter(|s| now - s.received_at > Duration::days(60))
            .filter(|s| matches!(s.target, State::Closed | State::Archived | State::Invalid))
            .count();
        let old = slots.iter().filter(|s| now - s.received_at > Duration::days(60)).count();
        assert!(old_closed * 10 >= old * 9, "{old_closed} of {old} old complaints are done");
    }
}
