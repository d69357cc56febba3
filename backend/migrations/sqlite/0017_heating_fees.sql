-- Heating fees (#20): season bills per household (imported from the
-- company's billing system, or computed from the company's tariff), fee
-- reductions when the heat fell short, payment and refund orders with
-- WeChat Pay and Alipay, every verified notification, and e-invoice
-- requests. Money is integer 分 throughout; areas are hundredths of m².
-- Keep in step with the other engine's 0017_heating_fees.sql.

CREATE TABLE fee_tariffs (
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    season_start_year BIGINT NOT NULL,
    household_type TEXT NOT NULL CHECK (household_type IN ('residential', 'non_residential')),
    price_per_m2_fen BIGINT NOT NULL CHECK (price_per_m2_fen > 0),
    -- The share of the full amount a suspended household pays, 0..=10000.
    suspended_share_bp BIGINT NOT NULL CHECK (suspended_share_bp BETWEEN 0 AND 10000),
    set_by BIGINT REFERENCES people(id),
    set_at BIGINT NOT NULL,
    PRIMARY KEY (company_id, season_start_year, household_type)
);

CREATE TABLE fee_bills (
    id INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES households(id),
    season_start_year BIGINT NOT NULL,
    household_type TEXT NOT NULL,
    area_centi_m2 BIGINT NOT NULL CHECK (area_centi_m2 >= 0),
    price_per_m2_fen BIGINT NOT NULL CHECK (price_per_m2_fen >= 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    reductions_fen BIGINT NOT NULL DEFAULT 0 CHECK (reductions_fen >= 0),
    paid_fen BIGINT NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    refunded_fen BIGINT NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
    -- The last day to pay, as the instant it ends.
    due_at BIGINT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('imported', 'computed')),
    -- The billing system's own number for the bill, when imported.
    billing_ref TEXT,
    updated_at BIGINT NOT NULL,
    UNIQUE (household_id, season_start_year)
);

CREATE TABLE fee_reductions (
    id INTEGER PRIMARY KEY,
    bill_id BIGINT NOT NULL REFERENCES fee_bills(id),
    -- One reduction per complaint.
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    lowest_tenths BIGINT NOT NULL,
    days BIGINT NOT NULL,
    percent BIGINT NOT NULL,
    granted_at BIGINT NOT NULL
);
CREATE INDEX fee_reductions_by_bill ON fee_reductions (bill_id);

CREATE TABLE payment_orders (
    id INTEGER PRIMARY KEY,
    bill_id BIGINT NOT NULL REFERENCES fee_bills(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    payer_id BIGINT REFERENCES people(id),
    channel TEXT NOT NULL,
    provider TEXT NOT NULL CHECK (provider IN ('wechat', 'alipay')),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    state TEXT NOT NULL CHECK (state IN ('created', 'paying', 'paid', 'closed', 'failed')),
    transaction_id TEXT,
    -- What the provider says was paid (may differ from amount_fen only
    -- if something is wrong; reconciliation lists it).
    paid_fen BIGINT,
    created_at BIGINT NOT NULL,
    paid_at BIGINT,
    closed_at BIGINT,
    last_queried_at BIGINT,
    -- Where the payer pays while the order is open (JSON: a provider's
    -- page, a QR code's content, or WeChat's payment sheet).
    handoff TEXT,
    -- Whether the billing system has been told of the payment.
    reported_at BIGINT
);
-- One open order per bill: a second phone's attempt hits this index. An
-- order is open until it is paid (paid_at) or closed or failed (closed_at);
-- the store sets each with the state, in the same statement.
CREATE UNIQUE INDEX payment_orders_one_open_per_bill
    ON payment_orders (bill_id) WHERE paid_at IS NULL AND closed_at IS NULL;
CREATE INDEX payment_orders_by_bill ON payment_orders (bill_id);
CREATE INDEX payment_orders_open_by_age ON payment_orders (created_at)
    WHERE paid_at IS NULL AND closed_at IS NULL;

-- Every verified notification, once per provider and content.
CREATE TABLE payment_notices (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    out_trade_no TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    times_received BIGINT NOT NULL DEFAULT 1,
    UNIQUE (provider, out_trade_no, transaction_id, paid)
);

CREATE TABLE refund_orders (
    id INTEGER PRIMARY KEY,
    payment_order_id BIGINT NOT NULL REFERENCES payment_orders(id),
    bill_id BIGINT NOT NULL REFERENCES fee_bills(id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    reason TEXT NOT NULL CHECK (reason IN ('paid_twice', 'reduction', 'bill_lowered')),
    -- What the refund is for, and through which payment ("paid_twice:42",
    -- "reduction:7:42"): one refund each.
    cause TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('requested', 'processing', 'succeeded', 'failed')),
    provider_refund_id TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    requested_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX refund_orders_by_bill ON refund_orders (bill_id);
CREATE INDEX refund_orders_pending ON refund_orders (requested_at)
    WHERE finished_at IS NULL;

CREATE TABLE invoice_requests (
    id INTEGER PRIMARY KEY,
    payment_order_id BIGINT NOT NULL UNIQUE REFERENCES payment_orders(id),
    title TEXT NOT NULL,
    tax_no TEXT,
    email TEXT,
    state TEXT NOT NULL CHECK (state IN ('requested', 'issued', 'failed')),
    provider_ref TEXT,
    requested_by BIGINT REFERENCES people(id),
    requested_at BIGINT NOT NULL,
    issued_at BIGINT
);
