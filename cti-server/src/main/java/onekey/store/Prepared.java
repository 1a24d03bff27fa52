package onekey.store;

import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.SQLDialect;

/**
 * A statement every call runs, rendered by jOOQ once per dialect and run as a plain JDBC prepared statement (issue 23:
 * in a surge on MariaDB jOOQ's rendering was ~40 % of a statement's CPU on OneKey's side; jOOQ's manual suggests
 * caching the SQL it generates for such statements). The statement is written with jOOQ as any other, its values as
 * named {@code DSL.param}s; {@link #execute} binds them in the order they appear and runs it on the connection jOOQ
 * would use (the transaction's inside {@link Database#inOneTransaction}); {@link #rows} and {@link #fetch} do the same
 * for a multi-row insert and a select. A database error is jOOQ's
 * {@code DataAccessException}, as before. Only for statements whose columns need no converter (numbers, text,
 * booleans).
 */
public final class Prepared {

    /** Rows a multi-row statement takes at most; more are written in several. */
    public static final int MAX_ROWS = 50;

    private final Query template;
    private final String[] names;
    private final int[] sqlTypes;
    private final Map<SQLDialect, String> sql = new ConcurrentHashMap<>();
    /** For a multi-row insert: the statement for n rows (n ≥ 1), with n times the one row's parameters. */
    private final java.util.function.IntFunction<Query> rowsTemplate;
    private final Map<Long, String> rowsSql = new ConcurrentHashMap<>();

    public Prepared(Query template) {
        this(template, null);
    }

    /**
     * A multi-row insert: {@code rows.apply(n)} is the statement for n rows, each row's parameters in the same order
     * as {@code rows.apply(1)}'s (their names may differ from row to row).
     */
    public static Prepared rows(java.util.function.IntFunction<Query> rows) {
        return new Prepared(rows.apply(1), rows);
    }

    private Prepared(Query template, java.util.function.IntFunction<Query> rowsTemplate) {
        this.template = template;
        this.rowsTemplate = rowsTemplate;
        // the values bound at execution: inline values (DSL.inline) are part of the SQL text
        List<Param<?>> params = template.getParams().values().stream().filter(p -> !p.isInline()).toList();
        this.names = new String[params.size()];
        this.sqlTypes = new int[params.size()];
        for (int i = 0; i < params.size(); i++) {
            names[i] = params.get(i).getParamName();
            sqlTypes[i] = params.get(i).getDataType().getSQLType();
        }
    }

    /** A parameter for {@code column}'s value, named as the column. */
    public static <T> Param<T> param(org.jooq.Field<T> column) {
        return org.jooq.impl.DSL.param(column.getName(), column);
    }

    /** Each column with a parameter of its own ({@link #param}), in the columns' order: for {@code set(...)}. */
    public static Map<org.jooq.Field<?>, org.jooq.Field<?>> params(List<? extends org.jooq.Field<?>> columns) {
        Map<org.jooq.Field<?>, org.jooq.Field<?>> m = new java.util.LinkedHashMap<>();
        for (org.jooq.Field<?> c : columns) {
            m.put(c, param(c));
        }
        return m;
    }

    /** The parameters' names in bind order: {@link #execute}'s values come in this order. */
    public List<String> names() {
        return List.of(names);
    }

    /** The SQL as run on {@code dsl}'s database. */
    public String sql(DSLContext dsl) {
        return sql.computeIfAbsent(dsl.dialect(), d -> dsl.render(template));
    }

    /** Runs the statement with {@code values} in the order of {@link #names()}; the rows it changed. */
    public int execute(DSLContext dsl, Object... values) {
        String text = sql(dsl);
        return dsl.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(text)) {
                bindRow(ps, 1, values);
                int n = ps.executeUpdate();
                DbStats.executed(text, c);
                return n;
            }
        });
    }

    /**
     * Runs an insert with {@code values} in the order of {@link #names()}; the id the database generated for the row
     * (its auto-increment key), as jOOQ's {@code returningResult(ID).fetchOne()} gave.
     */
    public long insertReturningId(DSLContext dsl, Object... values) {
        String text = sql(dsl);
        return dsl.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(text, java.sql.Statement.RETURN_GENERATED_KEYS)) {
                bindRow(ps, 1, values);
                ps.executeUpdate();
                DbStats.executed(text, c);
                try (java.sql.ResultSet keys = ps.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new java.sql.SQLException("no generated key for: " + text);
                    }
                    return keys.getLong(1);
                }
            }
        });
    }

    /**
     * Runs a multi-row insert ({@link #rows}) for {@code rows}, each row's values in the order of {@link #names()}, in
     * statements of at most {@link #MAX_ROWS} rows; the rows written.
     */
    public int executeRows(DSLContext dsl, List<Object[]> rows) {
        if (rowsTemplate == null) {
            throw new IllegalStateException("not a multi-row statement");
        }
        int written = 0;
        for (int from = 0; from < rows.size(); from += MAX_ROWS) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + MAX_ROWS));
            int n = part.size();
            String text = rowsSql.computeIfAbsent(((long) dsl.dialect().ordinal() << 32) | n,
                    k -> dsl.render(rowsTemplate.apply(n)));
            written += dsl.connectionResult(c -> {
                try (PreparedStatement ps = c.prepareStatement(text)) {
                    int first = 1;
                    for (Object[] row : part) {
                        first = bindRow(ps, first, row);
                    }
                    int w = ps.executeUpdate();
                    DbStats.executed(text, c);
                    return w;
                }
            });
        }
        return written;
    }

    /**
     * Runs a select (the template is one) with {@code values} in the order of {@link #names()}: its rows as jOOQ
     * records of the template's select list (read positionally or {@code into(TABLE)}), without rendering it again.
     */
    public org.jooq.Result<org.jooq.Record> fetch(DSLContext dsl, Object... values) {
        if (!(template instanceof org.jooq.Select<?> select)) {
            throw new IllegalStateException("not a select");
        }
        String text = sql(dsl);
        org.jooq.Field<?>[] fields = select.getSelect().toArray(org.jooq.Field<?>[]::new);
        return dsl.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(text)) {
                bindRow(ps, 1, values);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    DbStats.executed(text, c);
                    return org.jooq.impl.DSL.using(c, dsl.dialect(), dsl.settings()).fetch(rs, fields);
                }
            }
        });
    }

    /** Binds one row's values (in the order of {@link #names()}) from parameter {@code first} on; the next free one. */
    private int bindRow(PreparedStatement ps, int first, Object[] values) throws java.sql.SQLException {
        if (values.length != names.length) {
            throw new IllegalArgumentException("statement takes " + names.length + " values " + names() + ", given "
                    + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            bind(ps, first + i, values[i], sqlTypes[i]);
        }
        return first + values.length;
    }

    private static void bind(PreparedStatement ps, int i, Object v, int sqlType) throws java.sql.SQLException {
        switch (v) {
            case null -> ps.setNull(i, sqlType == Types.OTHER ? Types.NULL : sqlType);
            case Long l -> ps.setLong(i, l);
            case Integer n -> ps.setInt(i, n);
            case String s -> ps.setString(i, s);
            case Boolean b -> ps.setBoolean(i, b);
            default -> ps.setObject(i, v);
        }
    }
}
