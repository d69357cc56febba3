-- 12345 hotline work orders: the order beside its case, with the order's
-- own clock. Keep in step with the other engine's 0005_hotline.sql.

-- The company a case belongs to when it has no building or station yet (a
-- hotline order whose address could not be placed).
ALTER TABLE cases ADD COLUMN company_id BIGINT REFERENCES heating_companies(id);

CREATE TABLE hotline_orders (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE,
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    status TEXT NOT NULL CHECK (status IN ('received', 'signed_for', 'replied', 'closed', 'returned')),
    received_at BIGINT NOT NULL,
    caller_name TEXT NOT NULL,
    caller_phone TEXT NOT NULL,
    address TEXT NOT NULL,
    -- 1 when the address was matched to a building, 0 while a dispatcher
    -- still has to place it.
    placed BIGINT NOT NULL DEFAULT 0,
    sign_due_at BIGINT NOT NULL,
    reply_due_at BIGINT NOT NULL,
    return_due_at BIGINT NOT NULL,
    extended_days BIGINT,
    signed_at BIGINT,
    replied_at BIGINT,
    closed_at BIGINT,
    -- The request as the platform sent it, kept for disputes.
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX hotline_orders_status ON hotline_orders(status, sign_due_at);
