//! Tables, written by hand with the types both backends share.

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    data_fixes (name) {
        name -> Text,
    }
}

diesel::table! {
    tenants (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        fiscal_code -> Nullable<Text>,
        logo_url -> Nullable<Text>,
        patron_saint -> Nullable<Text>,
        closure_days -> Text,
        standard_days -> Text,
        tqrif_scheme -> Integer,
        target_percent -> Integer,
        generic_citizen_id -> Nullable<Text>,
        is_default -> Bool,
        created_at -> Timestamp,
        population -> Nullable<Integer>,
        active -> Bool,
        contacts -> Text,
    }
}

diesel::table! {
    platform_admins (user_id) {
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tenant_hosts (host) {
        host -> Text,
        tenant_id -> Text,
    }
}

diesel::table! {
    offices (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        email -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        tenant_id -> Text,
        role -> Text,
        email -> Nullable<Text>,
        fiscal_code -> Nullable<Text>,
        first_name -> Text,
        last_name -> Text,
        phone -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        status -> Text,
        active -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        session_version -> Integer,
    }
}

diesel::table! {
    user_offices (user_id, office_id) {
        user_id -> Text,
        office_id -> Text,
        tenant_id -> Text,
    }
}

diesel::table! {
    registrations (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        status -> Text,
        document_key -> Text,
        document_filename -> Text,
        document_content_type -> Text,
        document_size -> BigInt,
        privacy_accepted_at -> Timestamp,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        family_id -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        session_expires_at -> Timestamp,
    }
}

diesel::table! {
    request_types (id) {
        id -> Text,
        tenant_id -> Text,
        code -> Text,
        kind -> Text,
        name -> Text,
        description -> Text,
        fields -> Text,
        active -> Bool,
        position -> Integer,
    }
}

diesel::table! {
    routing_rules (tenant_id, kind) {
        tenant_id -> Text,
        kind -> Text,
        office_id -> Text,
    }
}

diesel::table! {
    protocol_counters (tenant_id, year) {
        tenant_id -> Text,
        year -> Integer,
        last_number -> Integer,
    }
}

diesel::table! {
    requests (id) {
        id -> Text,
        tenant_id -> Text,
        protocol_number -> Text,
        type_code -> Text,
        kind -> Text,
        channel -> Text,
        citizen_id -> Nullable<Text>,
        utenza_id -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        subject -> Text,
        description -> Text,
        fields -> Text,
        status -> Text,
        office_id -> Nullable<Text>,
        assignee_id -> Nullable<Text>,
        received_at -> Timestamp,
        standard_days -> Nullable<Integer>,
        due_date -> Nullable<Date>,
        has_public_reply -> Bool,
        suspended_since -> Nullable<Timestamp>,
        suspended_working_days -> Integer,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        lateness_cause -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sender_unverified -> Bool,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        tenant_id -> Text,
        request_id -> Text,
        author_id -> Nullable<Text>,
        author_role -> Text,
        author_name -> Text,
        body -> Text,
        internal -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        tenant_id -> Text,
        request_id -> Text,
        message_id -> Nullable<Text>,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        storage_key -> Text,
        sha256 -> Text,
        uploaded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    transitions (id) {
        id -> Text,
        tenant_id -> Text,
        request_id -> Text,
        action -> Text,
        from_status -> Text,
        to_status -> Text,
        actor_id -> Nullable<Text>,
        actor_role -> Text,
        actor_name -> Text,
        note -> Nullable<Text>,
        events -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (tenant_id, user_id, key) {
        tenant_id -> Text,
        user_id -> Text,
        key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        tenant_id -> Text,
        title -> Text,
        description -> Nullable<Text>,
        category -> Nullable<Text>,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        storage_key -> Text,
        position -> Integer,
        published_at -> Timestamp,
        text -> Nullable<Text>,
    }
}

diesel::table! {
    faqs (id) {
        id -> Text,
        tenant_id -> Text,
        question -> Text,
        answer -> Text,
        category -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        tenant_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<Text>,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        created_at -> Timestamp,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        tenant_id -> Text,
        notice -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mailboxes (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        kind -> Text,
        address -> Text,
        imap_host -> Nullable<Text>,
        imap_port -> Integer,
        imap_security -> Text,
        imap_username -> Nullable<Text>,
        imap_password -> Nullable<Text>,
        imap_folder -> Text,
        smtp_host -> Nullable<Text>,
        smtp_port -> Integer,
        smtp_security -> Text,
        smtp_username -> Nullable<Text>,
        smtp_password -> Nullable<Text>,
        inbound_enabled -> Bool,
        outbound_default -> Bool,
        default_citizen_id -> Nullable<Text>,
        uid_validity -> Nullable<BigInt>,
        last_uid -> BigInt,
        poll_lease_until -> Nullable<Timestamp>,
        last_polled_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        authserv_id -> Nullable<Text>,
        pec_certificates -> Nullable<Text>,
    }
}

diesel::table! {
    mail_threads (request_id) {
        request_id -> Text,
        tenant_id -> Text,
        token -> Text,
        mailbox_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_messages (id) {
        id -> Text,
        tenant_id -> Text,
        request_id -> Nullable<Text>,
        thread_message_id -> Nullable<Text>,
        mailbox_id -> Nullable<Text>,
        delivery_id -> Nullable<Text>,
        direction -> Text,
        message_id -> Text,
        in_reply_to -> Nullable<Text>,
        refs -> Nullable<Text>,
        from_addr -> Text,
        to_addrs -> Text,
        subject -> Text,
        headers -> Text,
        raw_key -> Nullable<Text>,
        size -> BigInt,
        imap_uid -> Nullable<BigInt>,
        outcome -> Text,
        pec_type -> Nullable<Text>,
        pec_meta -> Nullable<Text>,
        pec_status -> Nullable<Text>,
        created_at -> Timestamp,
        acked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        tenant_id -> Text,
        outbox_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        channel -> Text,
        recipient -> Text,
        payload -> Text,
        message_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        lease_token -> Nullable<Text>,
        last_error -> Nullable<Text>,
        provider_ref -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_prefs (user_id) {
        user_id -> Text,
        tenant_id -> Text,
        email -> Bool,
        sms -> Bool,
        app_io -> Bool,
        lang -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    channel_settings (tenant_id) {
        tenant_id -> Text,
        sms_url -> Nullable<Text>,
        sms_token -> Nullable<Text>,
        sms_sender -> Nullable<Text>,
        io_url -> Nullable<Text>,
        io_api_key -> Nullable<Text>,
        public_url -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    desks (id) {
        id -> Text,
        tenant_id -> Text,
        office_id -> Text,
        name -> Text,
        mode -> Text,
        address -> Nullable<Text>,
        services -> Text,
        weekly -> Text,
        overrides -> Text,
        capacity -> Integer,
        buffer_minutes -> Integer,
        booking_window_days -> Integer,
        min_notice_minutes -> Integer,
        cancel_until_minutes -> Integer,
        confirm_by_email -> Bool,
        open_on_holidays -> Bool,
        max_open_bookings_per_person -> Integer,
        deleted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    bookings (id) {
        id -> Text,
        tenant_id -> Text,
        desk_id -> Text,
        code_hash -> Text,
        reference -> Text,
        service_code -> Text,
        service_name -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        mode -> Text,
        status -> Text,
        hold_until -> Nullable<Timestamp>,
        first_name -> Text,
        last_name -> Text,
        email -> Text,
        phone -> Nullable<Text>,
        fiscal_code -> Nullable<Text>,
        subject -> Text,
        lang -> Text,
        citizen_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        notes -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        sequence -> Integer,
        created_by -> Nullable<Text>,
        privacy_accepted_at -> Timestamp,
        checked_in_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    desk_seats (desk_id, cell_start, seat_no) {
        desk_id -> Text,
        cell_start -> Timestamp,
        seat_no -> Integer,
        booking_id -> Text,
        held_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    booking_people (desk_id, person) {
        desk_id -> Text,
        person -> Text,
        touched_at -> Timestamp,
    }
}

diesel::table! {
    pickup_zones (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        postcodes -> Text,
        streets -> Text,
        weekdays -> Text,
        kinds -> Text,
        overrides -> Text,
        daily_capacity -> Integer,
        max_pieces_per_booking -> Integer,
        min_notice_days -> Integer,
        booking_window_days -> Integer,
        cancel_until_days -> Integer,
        deleted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pickup_items (id) {
        id -> Text,
        tenant_id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        pieces -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pickup_days (zone_id, day) {
        zone_id -> Text,
        day -> Date,
        taken -> Integer,
    }
}

diesel::table! {
    pickups (id) {
        id -> Text,
        tenant_id -> Text,
        zone_id -> Text,
        request_id -> Text,
        citizen_id -> Text,
        kind -> Text,
        day -> Date,
        address -> Text,
        items -> Text,
        pieces -> Integer,
        phone -> Text,
        notes -> Nullable<Text>,
        status -> Text,
        outcome_note -> Nullable<Text>,
        agreed_beyond_standard -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    transparency_sections (tenant_id, item) {
        tenant_id -> Text,
        item -> Text,
        body -> Nullable<Text>,
        links -> Text,
        document_ids -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    separate_collection (tenant_id, year) {
        tenant_id -> Text,
        year -> Integer,
        per_mille -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    compliance_snapshots (tenant_id, year) {
        tenant_id -> Text,
        year -> Integer,
        computed_at -> Timestamp,
        lines -> Text,
    }
}

diesel::table! {
    waste_items (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        name_key -> Text,
        fraction -> Text,
        bin -> Nullable<Text>,
        notes -> Nullable<Text>,
        take_to -> Nullable<Text>,
        synonyms -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    content_generations (tenant_id) {
        tenant_id -> Text,
        generation -> BigInt,
    }
}

diesel::table! {
    page_ratings (id) {
        id -> Text,
        tenant_id -> Text,
        page -> Text,
        stars -> Integer,
        aspects -> Text,
        details -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deflections (id) {
        id -> Text,
        tenant_id -> Text,
        source -> Text,
        answer_id -> Text,
        title -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    chats (id) {
        id -> Text,
        tenant_id -> Text,
        topic -> Text,
        topic_name -> Text,
        office_id -> Nullable<Text>,
        status -> Text,
        citizen_id -> Nullable<Text>,
        citizen_name -> Text,
        assignee_id -> Nullable<Text>,
        booking_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        citizen_read -> Nullable<Text>,
        staff_read -> Nullable<Text>,
        started_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    chat_messages (id) {
        id -> Text,
        tenant_id -> Text,
        chat_id -> Text,
        author_id -> Nullable<Text>,
        author_name -> Nullable<Text>,
        author_role -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    chat_attachments (id) {
        id -> Text,
        tenant_id -> Text,
        chat_id -> Text,
        message_id -> Text,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        storage_key -> Text,
        sha256 -> Text,
        uploaded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    video_calls (booking_id) {
        booking_id -> Text,
        tenant_id -> Text,
        conditions_accepted_at -> Nullable<Timestamp>,
        waiting_since -> Nullable<Timestamp>,
        admitted_at -> Nullable<Timestamp>,
        admitted_by -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    video_settings (tenant_id) {
        tenant_id -> Text,
        stun_urls -> Text,
        turn_urls -> Text,
        turn_secret -> Nullable<Text>,
        relay_only -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    realtime_tickets (ticket_hash) {
        ticket_hash -> Text,
        tenant_id -> Text,
        user_id -> Nullable<Text>,
        booking_id -> Nullable<Text>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    realtime_presence (node, user_id) {
        node -> Text,
        user_id -> Text,
        tenant_id -> Text,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    realtime_events (id) {
        id -> BigInt,
        tenant_id -> Text,
        audience -> Text,
        kind -> Text,
        chat_id -> Nullable<Text>,
        booking_id -> Nullable<Text>,
        data -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    request_ratings (request_id) {
        request_id -> Text,
        tenant_id -> Text,
        stars -> Integer,
        aspects -> Text,
        details -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(registrations -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(tenant_hosts -> tenants (tenant_id));
diesel::joinable!(platform_admins -> users (user_id));
diesel::joinable!(messages -> requests (request_id));

diesel::allow_tables_to_appear_in_same_query!(
    platform_admins,
    chats,
    chat_messages,
    chat_attachments,
    video_calls,
    video_settings,
    realtime_tickets,
    realtime_presence,
    realtime_events,
    transparency_sections,
    separate_collection,
    compliance_snapshots,
    waste_items,
    content_generations,
    deflections,
    page_ratings,
    tenants,
    tenant_hosts,
    offices,
    users,
    user_offices,
    registrations,
    refresh_tokens,
    password_resets,
    request_types,
    routing_rules,
    protocol_counters,
    requests,
    messages,
    attachments,
    transitions,
    request_ratings,
    idempotency_keys,
    documents,
    faqs,
    audit_log,
    outbox,
    mailboxes,
    mail_threads,
    mail_messages,
    deliveries,
    notification_prefs,
    channel_settings,
    desks,
    bookings,
    desk_seats,
    booking_people,
    pickup_zones,
    pickup_items,
    pickup_days,
    pickups,
);

// ---- the taxpayer's account -------------------------------------------------------------

diesel::table! {
    contribuenti (id) {
        id -> Text,
        tenant_id -> Text,
        fiscal_code -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        denominazione -> Nullable<Text>,
        residence -> Nullable<Text>,
        mailing_address -> Nullable<Text>,
        email -> Nullable<Text>,
        pec -> Nullable<Text>,
        phone -> Nullable<Text>,
        citizen_id -> Nullable<Text>,
        search_name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    utenze (id) {
        id -> Text,
        tenant_id -> Text,
        contribuente_id -> Text,
        code -> Text,
        kind -> Text,
        address -> Text,
        cadastral -> Nullable<Text>,
        square_meters -> Integer,
        occupants -> Nullable<Integer>,
        category -> Nullable<Text>,
        start_date -> Date,
        end_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    acts (id) {
        id -> Text,
        tenant_id -> Text,
        contribuente_id -> Text,
        utenza_id -> Nullable<Text>,
        kind -> Text,
        number -> Text,
        year -> Integer,
        tributo -> Text,
        issued_on -> Date,
        notified_on -> Nullable<Date>,
        amount_tributo -> BigInt,
        amount_sanzioni -> BigInt,
        amount_interessi -> BigInt,
        amount_spese_notifica -> BigInt,
        status -> Text,
        plan_granted_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    act_instalments (act_id, n) {
        act_id -> Text,
        n -> Integer,
        tenant_id -> Text,
        due_date -> Date,
        amount -> BigInt,
    }
}

diesel::table! {
    payments (id) {
        id -> Text,
        tenant_id -> Text,
        act_id -> Text,
        paid_on -> Date,
        amount -> BigInt,
        channel -> Text,
        reference -> Text,
        instalment -> Nullable<Integer>,
        external_key -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    adjustments (id) {
        id -> Text,
        tenant_id -> Text,
        act_id -> Text,
        kind -> Text,
        effective_on -> Date,
        amount -> BigInt,
        instalment -> Nullable<Integer>,
        reason -> Text,
        operator_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tax_settings (tenant_id) {
        tenant_id -> Text,
        interest -> Nullable<Text>,
        instalments -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plan_requests (request_id) {
        request_id -> Text,
        tenant_id -> Text,
        act_id -> Text,
        status -> Text,
        proposal -> Text,
        created_at -> Timestamp,
        granted_at -> Nullable<Timestamp>,
        granted_by -> Nullable<Text>,
    }
}

diesel::table! {
    imports (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        skip_invalid -> Bool,
        filename -> Text,
        storage_key -> Text,
        size -> BigInt,
        status -> Text,
        total_rows -> Nullable<BigInt>,
        processed_rows -> BigInt,
        applied_rows -> BigInt,
        created_count -> BigInt,
        updated_count -> BigInt,
        unchanged_count -> BigInt,
        invalid_count -> BigInt,
        error_it -> Nullable<Text>,
        error_en -> Nullable<Text>,
        attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        lease_token -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    import_errors (import_id, seq) {
        import_id -> Text,
        seq -> BigInt,
        line -> BigInt,
        column_name -> Text,
        message_it -> Text,
        message_en -> Text,
    }
}

diesel::table! {
    pagopa_settings (tenant_id) {
        tenant_id -> Text,
        creditor_fiscal_code -> Nullable<Text>,
        segregation_code -> Nullable<Integer>,
        iban -> Nullable<Text>,
        poste_account -> Nullable<Text>,
        cbill -> Nullable<Text>,
        gpd_url -> Nullable<Text>,
        gpd_subscription_key -> Nullable<Text>,
        checkout_url -> Nullable<Text>,
        reminder_days -> Text,
        next_notice_base -> BigInt,
        updated_at -> Timestamp,
        tefa_fiscal_code -> Nullable<Text>,
        tefa_iban -> Nullable<Text>,
        tefa_rate -> Integer,
        fdr_url -> Nullable<Text>,
        fdr_subscription_key -> Nullable<Text>,
    }
}

diesel::table! {
    payment_notices (tenant_id, nav) {
        tenant_id -> Text,
        nav -> Text,
        iuv -> Text,
        act_id -> Text,
        instalment -> Integer,
        amount -> BigInt,
        due_date -> Date,
        creditor_fiscal_code -> Text,
        cancelled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    gpd_jobs (act_id) {
        act_id -> Text,
        tenant_id -> Text,
        generation -> BigInt,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    gpd_positions (act_id) {
        act_id -> Text,
        tenant_id -> Text,
        iupd -> Text,
        invalidated -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pagopa_receipts (id) {
        id -> Text,
        tenant_id -> Text,
        receipt_id -> Text,
        nav -> Text,
        act_id -> Text,
        instalment -> Integer,
        amount -> BigInt,
        psp -> Nullable<Text>,
        paid_at -> Timestamp,
        payment_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(act_instalments -> acts (act_id));
diesel::joinable!(payment_notices -> acts (act_id));
diesel::joinable!(acts -> contribuenti (contribuente_id));

diesel::allow_tables_to_appear_in_same_query!(
    contribuenti,
    utenze,
    acts,
    act_instalments,
    payments,
    adjustments,
    plan_requests,
    payment_notices,
    gpd_positions,
);

// Reconciliation of pagoPA payments.
diesel::table! {
    pagopa_flows (id) {
        id -> Text,
        tenant_id -> Text,
        flow_id -> Text,
        flow_at -> Timestamp,
        settlement_ref -> Text,
        settlement_date -> Date,
        sender_id -> Text,
        sender_name -> Nullable<Text>,
        receiver_id -> Text,
        receiver_name -> Nullable<Text>,
        payment_count -> Integer,
        total_amount -> BigInt,
        source -> Text,
        revision -> Nullable<Integer>,
        imported_by -> Nullable<Text>,
        created_at -> Timestamp,
        bank_causale -> Nullable<Text>,
        bank_amount -> Nullable<BigInt>,
        bank_date -> Nullable<Date>,
        bank_outcome -> Nullable<Text>,
        bank_recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pagopa_flow_lines (flow_id, position) {
        flow_id -> Text,
        position -> Integer,
        tenant_id -> Text,
        iuv -> Text,
        iur -> Text,
        transfer_index -> Integer,
        amount -> BigInt,
        result -> Text,
        result_date -> Date,
    }
}

diesel::joinable!(pagopa_flow_lines -> pagopa_flows (flow_id));

diesel::allow_tables_to_appear_in_same_query!(pagopa_flows, pagopa_flow_lines, pagopa_receipts);

// ---- pagoPA payment messages (issue message, reminders) ---------------------------------

diesel::table! {
    payment_reminders (tenant_id, nav, due_date, kind, days, channel) {
        tenant_id -> Text,
        nav -> Text,
        due_date -> Date,
        kind -> Text,
        days -> Integer,
        channel -> Text,
        send_at -> Timestamp,
        status -> Text,
        skip_reason -> Nullable<Text>,
        delivery_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    payment_reminder_optouts (user_id, channel) {
        user_id -> Text,
        channel -> Text,
        tenant_id -> Text,
        created_at -> Timestamp,
    }
}

// ---- sign-in with SPID and CIE ---------------------------------------------------------

diesel::table! {
    identity_providers (tenant_id, provider) {
        tenant_id -> Text,
        provider -> Text,
        enabled -> Bool,
        issuer -> Nullable<Text>,
        client_id -> Nullable<Text>,
        level -> Text,
        private_key -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    oidc_logins (state_hash) {
        state_hash -> Text,
        tenant_id -> Text,
        provider -> Text,
        nonce -> Text,
        code_verifier -> Text,
        browser_hash -> Text,
        return_to -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_identities (user_id, provider) {
        user_id -> Text,
        provider -> Text,
        tenant_id -> Text,
        subject -> Text,
        level -> Text,
        first_at -> Timestamp,
        last_at -> Timestamp,
    }
}

diesel::table! {
    oidc_sessions (family_id) {
        family_id -> Text,
        tenant_id -> Text,
        provider -> Text,
        id_token -> Text,
        created_at -> Timestamp,
    }
}

// ---- drafts of new requests -------------------------------------------------------------

diesel::table! {
    request_drafts (user_id, type_code) {
        tenant_id -> Text,
        user_id -> Text,
        type_code -> Text,
        subject -> Text,
        description -> Text,
        fields -> Text,
        updated_at -> Timestamp,
    }
}
