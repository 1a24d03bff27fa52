package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onekey.auth.Role;
import onekey.orders.Order;
import onekey.orders.OrderRepository;
import onekey.orders.OrderService;
import onekey.orders.OrderState;
import onekey.orders.Supplier;

/**
 * Life services over REST (issue 21): {@code /api/suppliers} (admins and dispatchers), {@code /api/orders} (seats create
 * them from a call; dispatchers dispatch, pick another supplier, report progress, handle tasks), and
 * {@code POST /api/orders/{id}/supplier-update} for a supplier's own system, signed with its key instead of a token.
 * The rules and audit rows are {@link OrderService}'s; this class checks the shape and maps the answers.
 */
final class OrdersApi {

    record SupplierBody(String name, List<String> categories, List<String> phones, Double lat, Double lon, Double radiusKm,
                        List<String> subDistricts, String hours, String contractUntil, String licenceUntil, String state,
                        String dispatch, String webhookUrl, String webhookKey) {}

    record OrderBody(String kind, Long elderId, Long callId, String category, String need, Object wantedAt, BigDecimal price,
                     String notes, Map<String, String> fields) {}

    record DispatchBody(Long supplierId) {}

    record StatusBody(String status, String note) {}

    record CallbackBody(Boolean done, Integer quality, Integer price, Integer satisfaction) {}

    record NoteBody(String note) {}

    private static final Set<Role> SUPPLIERS = Routes.roles(Role.ADMIN, Role.DISPATCHER);
    private static final Set<Role> READ = Routes.roles(Role.ADMIN, Role.DISPATCHER, Role.SUPERVISOR, Role.AGENT);
    private static final Set<Role> DISPATCH = Routes.roles(Role.ADMIN, Role.DISPATCHER, Role.SUPERVISOR);

    private final OrderService service;
    private final ZoneId zone;

    OrdersApi(OrderService service, ZoneId zone) {
        this.service = service;
        this.zone = zone;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/suppliers", READ, this::suppliers)
                .add(POST, "/api/suppliers", SUPPLIERS, r -> saveSupplier(r, null))
                .add(GET, "/api/suppliers/{supplier}", READ, this::supplier)
                .add(PUT, "/api/suppliers/{supplier}", SUPPLIERS, r -> saveSupplier(r, r.id("supplier")))
                .add(GET, "/api/orders", READ, this::orders)
                .add(POST, "/api/orders", READ, this::create)
                .add(GET, "/api/orders/{order}", READ, this::order)
                .add(POST, "/api/orders/{order}/dispatch", DISPATCH, this::dispatch)
                .add(POST, "/api/orders/{order}/progress", DISPATCH, this::progress)
                .add(POST, "/api/orders/{order}/cancel", READ, this::cancel)
                .add(POST, "/api/orders/{order}/callback", READ, this::callback)
                .add(POST, "/api/orders/{order}/task/done", DISPATCH, this::taskDone)
                // the supplier's own system: no token, its HMAC signature (checked by the service)
                .add(POST, "/api/orders/{order}/supplier-update", Routes.PUBLIC, this::supplierUpdate);
    }

    private Reply suppliers(Req r) {
        String state = r.param("state");
        if (state != null && !List.of("admitted", "suspended", "ended").contains(state)) {
            throw ApiException.invalid("state", "\"state\" must be admitted, suspended or ended");
        }
        return Reply.ok(service.suppliers(state, r.param("category"), r.intParam("limit", 200, 1, 10_000)).stream()
                .map(Supplier::shape).toList());
    }

    private Reply supplier(Req r) {
        long id = r.id("supplier");
        return Reply.ok(service.supplier(id).orElseThrow(() -> ApiException.notFound("no such supplier: " + id)).shape());
    }

    private Reply saveSupplier(Req r, Long id) {
        SupplierBody b = r.body(SupplierBody.class);
        Supplier.State state;
        Supplier.Via via;
        try {
            state = b.state() == null ? Supplier.State.ADMITTED : Supplier.State.of(b.state());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("state", "\"state\" must be admitted, suspended or ended");
        }
        try {
            via = b.dispatch() == null ? Supplier.Via.VOICE : Supplier.Via.of(b.dispatch());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("dispatch", "\"dispatch\" must be voice or webhook");
        }
        for (String[] d : new String[][] {{"contractUntil", b.contractUntil()}, {"licenceUntil", b.licenceUntil()}}) {
            if (d[1] != null) {
                try {
                    java.time.LocalDate.parse(d[1]);
                } catch (DateTimeException e) {
                    throw ApiException.invalid(d[0], "\"" + d[0] + "\" must be a date YYYY-MM-DD");
                }
            }
        }
        var draft = new OrderRepository.SupplierDraft(b.name() == null ? null : b.name().trim(), b.categories(),
                b.phones() == null ? List.of() : b.phones(), b.lat(), b.lon(), b.radiusKm(),
                b.subDistricts() == null ? List.of() : b.subDistricts(), b.hours() == null ? null : b.hours().trim(),
                b.contractUntil(), b.licenceUntil(), state, via, b.webhookUrl(), b.webhookKey());
        try {
            if (id == null) {
                return Reply.created(service.createSupplier(draft, r.account).shape());
            }
            return Reply.ok(service.updateSupplier(id, draft, r.account)
                    .orElseThrow(() -> ApiException.notFound("no such supplier: " + id)).shape());
        } catch (OrderService.Invalid e) {
            throw ApiException.invalid(e.field, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("hours", e.getMessage());
        }
    }

    private Reply orders(Req r) {
        String task = r.param("task");
        if (task != null && !task.equals("open") && !task.equals("done")) {
            throw ApiException.invalid("task", "\"task\" must be open or done");
        }
        String state = r.param("state");
        if (state != null) {
            for (String s : state.split(",")) {
                try {
                    OrderState.of(s);
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("state", "unknown state '" + s + "'");
                }
            }
        }
        return Reply.ok(service.find(state, r.longParam("elderId", 1), task, r.longParam("supplierId", 1),
                r.intParam("limit", 100, 1, 1000)).stream().map(Order::shape).toList());
    }

    private Reply order(Req r) {
        long id = r.id("order");
        return Reply.ok(service.get(id).orElseThrow(() -> ApiException.notFound("no such order: " + id)).shape());
    }

    private Reply create(Req r) {
        OrderBody b = r.body(OrderBody.class);
        if (b.elderId() == null) {
            throw ApiException.missing("elderId");
        }
        if (b.category() == null) {
            throw ApiException.missing("category");
        }
        if (b.wantedAt() == null) {
            throw ApiException.missing("wantedAt");
        }
        Order.Kind kind;
        try {
            kind = b.kind() == null ? Order.Kind.SERVICE : Order.Kind.of(b.kind());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("kind", "\"kind\" must be service, registration or taxi");
        }
        long wanted = when(b.wantedAt());
        try {
            return Reply.created(service.create(new OrderService.Request(kind, b.elderId(), b.callId(), b.category().trim(),
                    b.need(), wanted, b.price(), b.notes(), b.fields()), r.account).shape());
        } catch (OrderService.Invalid e) {
            throw ApiException.invalid(e.field, e.getMessage());
        }
    }

    /** An instant ("2031-03-05T01:30:00Z"), a local time in the centre's zone ("2031-03-05T09:30"), or epoch ms. */
    private long when(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        String s = v.toString().trim();
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeException e) {
            try {
                return LocalDateTime.parse(s).atZone(zone).toInstant().toEpochMilli();
            } catch (DateTimeException e2) {
                throw ApiException.invalid("wantedAt", "\"wantedAt\" must be an ISO time (2031-03-05T09:30 in the centre's"
                        + " zone, or with Z / an offset) or epoch milliseconds");
            }
        }
    }

    private Reply dispatch(Req r) {
        long id = r.id("order");
        DispatchBody b = r.body() != null && r.body().isReadable() ? r.body(DispatchBody.class) : new DispatchBody(null);
        try {
            return Reply.ok(service.dispatch(id, b.supplierId(), r.account).shape());
        } catch (OrderService.Invalid e) {
            if (e.field.equals("id")) {
                throw ApiException.notFound(e.getMessage());
            }
            throw ApiException.invalid(e.field, e.getMessage());
        } catch (OrderService.Conflict e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private Reply progress(Req r) {
        long id = r.id("order");
        StatusBody b = r.body(StatusBody.class);
        OrderState.Event e = switch (b.status() == null ? "" : b.status()) {
            case "in-service" -> OrderState.Event.START;
            case "done" -> OrderState.Event.FINISH;
            default -> throw ApiException.invalid("status", "\"status\" must be in-service or done");
        };
        return guarded(() -> service.progress(id, e, r.account.username(), r.account));
    }

    private Reply cancel(Req r) {
        long id = r.id("order");
        NoteBody b = r.body() != null && r.body().isReadable() ? r.body(NoteBody.class) : new NoteBody(null);
        return guarded(() -> service.cancel(id, b.note(), r.account));
    }

    private Reply callback(Req r) {
        long id = r.id("order");
        CallbackBody b = r.body(CallbackBody.class);
        if (b.done() == null) {
            throw ApiException.missing("done");
        }
        for (Object[] f : new Object[][] {{"quality", b.quality()}, {"price", b.price()}, {"satisfaction", b.satisfaction()}}) {
            if (f[1] == null) {
                throw ApiException.missing((String) f[0]);
            }
        }
        return guarded(() -> service.callback(id, b.done(), b.quality(), b.price(), b.satisfaction(), r.account.username(),
                r.account));
    }

    private Reply taskDone(Req r) {
        long id = r.id("order");
        NoteBody b = r.body() != null && r.body().isReadable() ? r.body(NoteBody.class) : new NoteBody(null);
        if (b.note() != null && b.note().length() > 500) {
            throw ApiException.invalid("note", "\"note\" is at most 500 characters");
        }
        return guarded(() -> service.taskDone(id, b.note(), r.account));
    }

    private Reply guarded(java.util.function.Supplier<Order> f) {
        try {
            return Reply.ok(f.get().shape());
        } catch (OrderService.Invalid e) {
            if (e.field.equals("id")) {
                throw ApiException.notFound(e.getMessage());
            }
            throw ApiException.invalid(e.field, e.getMessage());
        } catch (OrderService.Conflict e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private Reply supplierUpdate(Req r) {
        long id = r.id("order");
        byte[] body = r.body() == null ? new byte[0] : ByteBufUtil.getBytes(r.body());
        String ts = r.http.headers().get(onekey.orders.Signatures.TIMESTAMP);
        String sig = r.http.headers().get(onekey.orders.Signatures.SIGNATURE);
        String status;
        try {
            status = body.length == 0 ? null : Json.MAPPER.readTree(body).path("status").asText(null);
        } catch (java.io.IOException e) {
            status = null; // checked after the signature: an unsigned caller learns nothing
        }
        return switch (service.supplierUpdate(id, body, ts, sig, status)) {
            case OrderService.UpdateResult.Ok ok -> Reply.ok(Map.of("id", ok.order().id(), "state", ok.order().state().wire()));
            case OrderService.UpdateResult.Unauthorized u -> throw new ApiException(HttpResponseStatus.UNAUTHORIZED,
                    "unauthorized", u.why(), null);
            case OrderService.UpdateResult.Refused f -> throw ApiException.conflict(f.why(), "status");
        };
    }
}
