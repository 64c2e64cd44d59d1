//! What the Card API and the Partner API act on (docs/protocol.md §12.4, §12.5): payment cards
//! of the partner bank and their clients, gift cards, e-money wallets, the partner's clients
//! and users, exchange rates, and the Card API's requests by `request_id`. In memory only
//! (not written to `--data`), with a few seeded test records; apart from the sandbox's main
//! state, under a lock of its own that is never held across an `await`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

/// The seeded payment cards: `(card_id, mask, currency, balance in minor units, status)`.
pub(crate) const SEED_CARDS: &[(&str, &str, &str, i64, CardStatus)] = &[
    (
        "card-1001",
        "440043******0010",
        "KZT",
        15_000_000,
        CardStatus::Active,
    ),
    (
        "card-1002",
        "440043******0028",
        "KZT",
        250_000,
        CardStatus::Blocked,
    ),
    (
        "card-1003",
        "440043******0036",
        "USD",
        10_000,
        CardStatus::Active,
    ),
];
/// The seeded Card API clients (made by *Create client*, which the sandbox does not serve).
pub(crate) const SEED_CARD_CLIENTS: &[&str] = &["client-2001", "client-2002"];
/// The seeded gift cards, issued and waiting for their code: `card_id`s.
pub(crate) const SEED_GIFT_CARDS: &[u64] = &[555, 556, 557];
/// The seeded wallets: `identifier`s; the first has two operations.
pub(crate) const SEED_WALLETS: &[&str] = &["77001234567", "77007654321"];
/// The seeded partner client (`client_id`), to which users are added.
pub(crate) const SEED_PARTNER_CLIENT: i64 = 3001;

/// A payment card's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardStatus {
    /// In use.
    Active,
    /// Blocked: unblock gives its use back.
    Blocked,
    /// Closed for good.
    Closed,
}

impl CardStatus {
    /// Its name in the control API.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Blocked => "blocked",
            Self::Closed => "closed",
        }
    }
}

/// A payment card of the partner bank.
#[derive(Debug, Clone)]
pub(crate) struct IssuedCard {
    pub(crate) card_id: String,
    pub(crate) mask: String,
    pub(crate) currency: String,
    pub(crate) balance_minor: i64,
    pub(crate) status: CardStatus,
    /// The client linked to it (`card/link`).
    pub(crate) client_id: Option<String>,
    /// The last unblock or close reason.
    pub(crate) description: Option<String>,
}

/// A gift card: issued, then confirmed with the code sent to the cardholder.
#[derive(Debug, Clone)]
pub(crate) struct GiftCard {
    pub(crate) card_id: u64,
    pub(crate) mask: String,
    pub(crate) currency: String,
    pub(crate) balance_minor: i64,
    /// Whether the code confirmed it.
    pub(crate) confirmed: bool,
    /// When it was confirmed (sandbox ms).
    pub(crate) confirmed_at: Option<i64>,
}

/// One operation of a wallet's statement.
#[derive(Debug, Clone)]
pub(crate) struct WalletOperation {
    pub(crate) kind: &'static str,
    pub(crate) amount_minor: i64,
    pub(crate) commission_minor: i64,
    pub(crate) currency: &'static str,
    /// Sandbox ms.
    pub(crate) at: i64,
    pub(crate) rrn: String,
    pub(crate) correspondent_name: &'static str,
    pub(crate) correspondent_account: &'static str,
}

/// An e-money wallet.
#[derive(Debug, Clone)]
pub(crate) struct Wallet {
    pub(crate) identifier: String,
    pub(crate) blocked: bool,
    pub(crate) block_reason: Option<String>,
    pub(crate) operations: Vec<WalletOperation>,
}

/// An exchange rate given with `rates/add`.
#[derive(Debug, Clone)]
pub(crate) struct StoredRate {
    pub(crate) currency_from: String,
    pub(crate) currency_to: String,
    /// As sent (its decimal text).
    pub(crate) rate: String,
    pub(crate) rate_type: String,
    pub(crate) start_date: String,
    pub(crate) end_date: String,
}

/// A user of a partner client (`client/user/add`).
#[derive(Debug, Clone)]
pub(crate) struct PartnerUser {
    pub(crate) user_id: i64,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) phone: String,
    pub(crate) email: String,
}

/// A partner's client (a company, `client/add`).
#[derive(Debug, Clone)]
pub(crate) struct PartnerClient {
    pub(crate) client_id: i64,
    pub(crate) name: String,
    pub(crate) users: Vec<PartnerUser>,
}

/// A Card API request as carried out, by its `request_id` (for `request/status`).
#[derive(Debug, Clone)]
pub(crate) struct CardRequest {
    pub(crate) request_id: String,
    /// `completed` or `failed`.
    pub(crate) request_status: &'static str,
    pub(crate) cards: Vec<String>,
    pub(crate) client_id: Option<String>,
    /// Sandbox ms.
    pub(crate) at: i64,
}

/// Everything the Card and Partner APIs act on. Records are keyed by a sequence number (the
/// control API's pages), with indexes by their API ids.
#[derive(Debug, Default)]
pub(crate) struct IssuingState {
    next: i64,
    pub(crate) cards: BTreeMap<i64, IssuedCard>,
    card_index: HashMap<String, i64>,
    pub(crate) card_clients: Vec<String>,
    pub(crate) gift_cards: BTreeMap<i64, GiftCard>,
    gift_index: HashMap<u64, i64>,
    pub(crate) wallets: BTreeMap<i64, Wallet>,
    wallet_index: HashMap<String, i64>,
    pub(crate) rates: BTreeMap<i64, StoredRate>,
    pub(crate) partner_clients: BTreeMap<i64, PartnerClient>,
    next_user: i64,
    /// The Card API's requests, in the order received.
    pub(crate) card_requests: BTreeMap<i64, CardRequest>,
    card_request_index: HashMap<String, i64>,
}

impl IssuingState {
    /// The seeded state; `now` (sandbox ms) dates the seeded wallet operations.
    pub(crate) fn seeded(now: i64) -> Self {
        let mut state = Self {
            next: 1,
            next_user: 4001,
            ..Self::default()
        };
        for &(card_id, mask, currency, balance_minor, status) in SEED_CARDS {
            state.add_card(IssuedCard {
                card_id: card_id.to_owned(),
                mask: mask.to_owned(),
                currency: currency.to_owned(),
                balance_minor,
                status,
                client_id: None,
                description: None,
            });
        }
        state.card_clients = SEED_CARD_CLIENTS.iter().map(|c| (*c).to_owned()).collect();
        for &card_id in SEED_GIFT_CARDS {
            let seq = state.seq();
            state.gift_index.insert(card_id, seq);
            state.gift_cards.insert(
                seq,
                GiftCard {
                    card_id,
                    mask: format!("1234********{:04}", 5078 + card_id),
                    currency: "USD".to_owned(),
                    balance_minor: 10_000,
                    confirmed: false,
                    confirmed_at: None,
                },
            );
        }
        for (i, identifier) in SEED_WALLETS.iter().enumerate() {
            let operations = if i == 0 {
                vec![
                    WalletOperation {
                        kind: "credit",
                        amount_minor: 500_000,
                        commission_minor: 0,
                        currency: "KZT",
                        at: now - 2 * 86_400_000,
                        rrn: "000000100001".to_owned(),
                        correspondent_name: "SANDBOX SENDER",
                        correspondent_account: "KZ00SANDBOX0000000001",
                    },
                    WalletOperation {
                        kind: "debit",
                        amount_minor: 120_050,
                        commission_minor: 1_250,
                        currency: "KZT",
                        at: now - 86_400_000,
                        rrn: "000000100002".to_owned(),
                        correspondent_name: "SANDBOX SHOP",
                        correspondent_account: "KZ00SANDBOX0000000002",
                    },
                ]
            } else {
                Vec::new()
            };
            let seq = state.seq();
            state.wallet_index.insert((*identifier).to_owned(), seq);
            state.wallets.insert(
                seq,
                Wallet {
                    identifier: (*identifier).to_owned(),
                    blocked: false,
                    block_reason: None,
                    operations,
                },
            );
        }
        state.partner_clients.insert(
            SEED_PARTNER_CLIENT,
            PartnerClient {
                client_id: SEED_PARTNER_CLIENT,
                name: "Sandbox Partner Client LLP".to_owned(),
                users: Vec::new(),
            },
        );
        state
    }

    fn seq(&mut self) -> i64 {
        let n = self.next;
        self.next += 1;
        n
    }

    fn add_card(&mut self, card: IssuedCard) {
        let seq = self.seq();
        self.card_index.insert(card.card_id.clone(), seq);
        self.cards.insert(seq, card);
    }

    /// A payment card by `card_id`.
    pub(crate) fn card_mut(&mut self, card_id: &str) -> Option<&mut IssuedCard> {
        let seq = self.card_index.get(card_id)?;
        self.cards.get_mut(seq)
    }

    /// A gift card by `card_id`.
    pub(crate) fn gift_card_mut(&mut self, card_id: u64) -> Option<&mut GiftCard> {
        let seq = self.gift_index.get(&card_id)?;
        self.gift_cards.get_mut(seq)
    }

    /// The oldest gift card still waiting for its code.
    pub(crate) fn first_unconfirmed_gift_card(&mut self) -> Option<&mut GiftCard> {
        self.gift_cards.values_mut().find(|g| !g.confirmed)
    }

    /// A wallet by `identifier`.
    pub(crate) fn wallet_mut(&mut self, identifier: &str) -> Option<&mut Wallet> {
        let seq = self.wallet_index.get(identifier)?;
        self.wallets.get_mut(seq)
    }

    /// The Card API request that carried `request_id`.
    pub(crate) fn card_request(&self, request_id: &str) -> Option<&CardRequest> {
        self.card_requests
            .get(self.card_request_index.get(request_id)?)
    }

    /// Keeps a Card API request under its `request_id`.
    pub(crate) fn add_card_request(&mut self, request: CardRequest) {
        let seq = self.seq();
        self.card_request_index
            .insert(request.request_id.clone(), seq);
        self.card_requests.insert(seq, request);
    }

    /// Keeps a rate.
    pub(crate) fn add_rate(&mut self, rate: StoredRate) {
        let seq = self.seq();
        self.rates.insert(seq, rate);
    }

    /// A new partner client; its `client_id`.
    pub(crate) fn add_partner_client(&mut self, name: String) -> i64 {
        let client_id = self
            .partner_clients
            .keys()
            .next_back()
            .map_or(SEED_PARTNER_CLIENT, |last| last + 1);
        self.partner_clients.insert(
            client_id,
            PartnerClient {
                client_id,
                name,
                users: Vec::new(),
            },
        );
        client_id
    }

    /// A fresh `user_id`.
    pub(crate) fn next_user_id(&mut self) -> i64 {
        let n = self.next_user;
        self.next_user += 1;
        n
    }
}

/// The issuing state behind its own lock.
#[derive(Debug)]
pub(crate) struct Issuing(Mutex<IssuingState>);

impl Issuing {
    /// Seeded; `now` in sandbox ms.
    pub(crate) fn new(now: i64) -> Self {
        Self(Mutex::new(IssuingState::seeded(now)))
    }

    /// Locked (a panic elsewhere never makes it unusable).
    pub(crate) fn lock(&self) -> MutexGuard<'_, IssuingState> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_are_found_by_their_ids() {
        let mut state = IssuingState::seeded(1_767_225_600_000);
        assert_eq!(state.cards.len(), SEED_CARDS.len());
        assert_eq!(
            state.card_mut("card-1002").map(|c| c.status),
            Some(CardStatus::Blocked)
        );
        assert!(state.card_mut("card-9").is_none());
        assert_eq!(
            state.gift_card_mut(555).map(|g| g.mask.clone()).as_deref(),
            Some("1234********5633")
        );
        assert_eq!(
            state.wallet_mut("77001234567").map(|w| w.operations.len()),
            Some(2)
        );
        assert_eq!(
            state.add_partner_client("x".into()),
            SEED_PARTNER_CLIENT + 1
        );
        assert_eq!(
            state.first_unconfirmed_gift_card().map(|g| g.card_id),
            Some(555)
        );
    }
}
