//! The names a query refers to ([`QueryRefs`]), found by walking its whole parse tree: the relations it
//! reads (with their aliases), the common table expressions it defines, the columns, functions and types it
//! names. The walk is typed: a [`Walk`] implementation per pg_query node struct visits every field that holds
//! nodes (the table at the end of this file, as `scripts/query-refs-table.py` prints it from pg_query 18.1's
//! `protobuf.rs`: every struct with a node-bearing field, every such field), and the dispatch over `Node`
//! variants has no catch-all, so a pg_query upgrade that adds a node kind does not compile until it is listed
//! here (a field added to a struct is not caught so: after an upgrade, compare the script's output with the
//! table).

use std::collections::BTreeSet;

use pg_query::protobuf::{self, node::Node as N, Node};

/// The dispatch over node variants: `special` arms first, then the variants whose struct is walked, then
/// those that hold no nodes.
macro_rules! walk_variants {
    ($r:ident, $n:expr; special { $($special:tt)* } walk [$($v:ident),* $(,)?] leaf [$($l:ident),* $(,)?]) => {
        match $n {
            $($special)*
            $(N::$v(x) => x.walk($r),)*
            $(N::$l(_) => {})*
        }
    };
}

/// `Struct: [fields holding nodes] [a field named type_name];` for each pg_query struct that holds nodes.
macro_rules! walk_fields {
    ($($ty:ident: [$($f:ident),*] [$($t:ident),*];)*) => {
        $(impl Walk for protobuf::$ty {
            fn walk(&self, r: &mut QueryRefs) {
                $(self.$f.walk(r);)*
                $(TypeNameField::visit(&self.$t, r);)*
            }
        })*
    };
}

/// Names a query refers to, found by walking its whole tree.
#[derive(Default, Debug)]
pub(super) struct QueryRefs {
    /// (schema, name, alias)
    pub(super) relations: Vec<(String, String, Option<String>)>,
    pub(super) ctes: BTreeSet<String>,
    /// (fields, ends in *)
    pub(super) columns: Vec<(Vec<String>, bool)>,
    pub(super) functions: Vec<Vec<String>>,
    pub(super) types: Vec<Vec<String>>,
}

impl QueryRefs {
    pub(super) fn of(query: &N) -> QueryRefs {
        let mut r = QueryRefs::default();
        r.node(query);
        r
    }

    /// The strings of a name list, and whether it ends in `*`.
    fn strings(items: &[Node]) -> (Vec<String>, bool) {
        let mut out = Vec::new();
        let mut star = false;
        for i in items {
            match &i.node {
                Some(N::String(s)) => out.push(s.sval.clone()),
                Some(N::AStar(_)) => star = true,
                _ => {}
            }
        }
        (out, star)
    }

    fn type_name(&mut self, t: &protobuf::TypeName) {
        self.types.push(Self::strings(&t.names).0);
        t.walk(self);
    }

    fn node(&mut self, n: &N) {
        walk_variants! {
            self, n;
            special {
                N::RangeVar(x) => {
                    let alias = x.alias.as_ref().map(|a| a.aliasname.clone());
                    self.relations
                        .push((x.schemaname.clone(), x.relname.clone(), alias));
                    x.walk(self);
                }
                N::CommonTableExpr(x) => {
                    self.ctes.insert(x.ctename.clone());
                    x.walk(self);
                }
                N::ColumnRef(x) => {
                    self.columns.push(Self::strings(&x.fields));
                    x.walk(self);
                }
                N::FuncCall(x) => {
                    self.functions.push(Self::strings(&x.funcname).0);
                    x.walk(self);
                }
                N::TypeName(x) => self.type_name(x),
            }
            walk [
        Alias, TableFunc, IntoClause, Var, Param, Aggref, GroupingFunc, WindowFunc, WindowFuncRunCondition,
        MergeSupportFunc, SubscriptingRef, FuncExpr, NamedArgExpr, OpExpr, DistinctExpr, NullIfExpr,
        ScalarArrayOpExpr, BoolExpr, SubLink, SubPlan, AlternativeSubPlan, FieldSelect, FieldStore,
        RelabelType, CoerceViaIo, ArrayCoerceExpr, ConvertRowtypeExpr, CollateExpr, CaseExpr, CaseWhen,
        CaseTestExpr, ArrayExpr, RowExpr, RowCompareExpr, CoalesceExpr, MinMaxExpr, SqlvalueFunction,
        XmlExpr, JsonValueExpr, JsonConstructorExpr, JsonIsPredicate, JsonBehavior, JsonExpr,
        JsonTablePathScan, JsonTableSiblingJoin, NullTest, BooleanTest, MergeAction, CoerceToDomain,
        CoerceToDomainValue, SetToDefault, CurrentOfExpr, NextValueExpr, InferenceElem, ReturningExpr,
        TargetEntry, JoinExpr, FromExpr, OnConflictExpr, Query, AExpr, TypeCast, CollateClause, AIndices,
        AIndirection, AArrayExpr, ResTarget, MultiAssignRef, SortBy, WindowDef, RangeSubselect,
        RangeFunction, RangeTableFunc, RangeTableFuncCol, RangeTableSample, ColumnDef, TableLikeClause,
        IndexElem, DefElem, LockingClause, XmlSerialize, PartitionElem, PartitionSpec, PartitionBoundSpec,
        PartitionRangeDatum, PartitionCmd, RangeTblEntry, RangeTblFunction, TableSampleClause,
        WithCheckOption, GroupingSet, WindowClause, WithClause, InferClause, OnConflictClause,
        CtesearchClause, CtecycleClause, MergeWhenClause, ReturningClause, JsonOutput, JsonArgument,
        JsonFuncExpr, JsonTablePathSpec, JsonTable, JsonTableColumn, JsonKeyValue, JsonParseExpr,
        JsonScalarExpr, JsonSerializeExpr, JsonObjectConstructor, JsonArrayConstructor,
        JsonArrayQueryConstructor, JsonAggConstructor, JsonObjectAgg, JsonArrayAgg, RawStmt, InsertStmt,
        DeleteStmt, UpdateStmt, MergeStmt, SelectStmt, SetOperationStmt, ReturnStmt, PlassignStmt,
        CreateSchemaStmt, AlterTableStmt, AlterTableCmd, AlterCollationStmt, AlterDomainStmt, GrantStmt,
        ObjectWithArgs, AccessPriv, GrantRoleStmt, AlterDefaultPrivilegesStmt, CopyStmt, VariableSetStmt,
        CreateStmt, Constraint, CreateTableSpaceStmt, AlterTableSpaceOptionsStmt, AlterTableMoveAllStmt,
        CreateExtensionStmt, AlterExtensionStmt, AlterExtensionContentsStmt, CreateFdwStmt, AlterFdwStmt,
        CreateForeignServerStmt, AlterForeignServerStmt, CreateForeignTableStmt, CreateUserMappingStmt,
        AlterUserMappingStmt, ImportForeignSchemaStmt, CreatePolicyStmt, AlterPolicyStmt, CreateAmStmt,
        CreateTrigStmt, CreateEventTrigStmt, CreatePlangStmt, CreateRoleStmt, AlterRoleStmt,
        AlterRoleSetStmt, DropRoleStmt, CreateSeqStmt, AlterSeqStmt, DefineStmt, CreateDomainStmt,
        CreateOpClassStmt, CreateOpClassItem, CreateOpFamilyStmt, AlterOpFamilyStmt, DropStmt, TruncateStmt,
        CommentStmt, SecLabelStmt, DeclareCursorStmt, IndexStmt, CreateStatsStmt, StatsElem, AlterStatsStmt,
        CreateFunctionStmt, FunctionParameter, AlterFunctionStmt, DoStmt, CallStmt, RenameStmt,
        AlterObjectDependsStmt, AlterObjectSchemaStmt, AlterOwnerStmt, AlterOperatorStmt, AlterTypeStmt,
        RuleStmt, TransactionStmt, CompositeTypeStmt, CreateEnumStmt, CreateRangeStmt, AlterEnumStmt,
        ViewStmt, CreatedbStmt, AlterDatabaseStmt, AlterDatabaseSetStmt, DropdbStmt, AlterSystemStmt,
        ClusterStmt, VacuumStmt, VacuumRelation, ExplainStmt, CreateTableAsStmt, RefreshMatViewStmt,
        LockStmt, ConstraintsSetStmt, ReindexStmt, CreateConversionStmt, CreateCastStmt, CreateTransformStmt,
        PrepareStmt, ExecuteStmt, DropOwnedStmt, ReassignOwnedStmt, AlterTsdictionaryStmt,
        AlterTsconfigurationStmt, PublicationTable, PublicationObjSpec, CreatePublicationStmt,
        AlterPublicationStmt, CreateSubscriptionStmt, AlterSubscriptionStmt, List, IntList, OidList
            ]
            leaf [
        JsonFormat, JsonReturning, JsonTablePath, RangeTblRef, ParamRef, RoleSpec, AStar, RtepermissionInfo,
        SortGroupClause, RowMarkClause, ReturningOption, TriggerTransition, AtalterConstraint,
        ReplicaIdentityStmt, VariableShowStmt, DropTableSpaceStmt, DropUserMappingStmt, AlterEventTrigStmt,
        ClosePortalStmt, FetchStmt, InlineCodeBlock, CallContext, NotifyStmt, ListenStmt, UnlistenStmt,
        LoadStmt, AlterDatabaseRefreshCollStmt, CheckPointStmt, DiscardStmt, DeallocateStmt,
        DropSubscriptionStmt, Integer, Float, Boolean, String, BitString, AConst
            ]
        }
    }
}

/// A part of a parse tree: visits the nodes it holds.
trait Walk {
    fn walk(&self, r: &mut QueryRefs);
}

impl Walk for Node {
    fn walk(&self, r: &mut QueryRefs) {
        if let Some(n) = &self.node {
            r.node(n);
        }
    }
}

impl<T: Walk> Walk for Option<T> {
    fn walk(&self, r: &mut QueryRefs) {
        if let Some(x) = self {
            x.walk(r);
        }
    }
}

impl<T: Walk> Walk for Box<T> {
    fn walk(&self, r: &mut QueryRefs) {
        (**self).walk(r);
    }
}

impl<T: Walk> Walk for Vec<T> {
    fn walk(&self, r: &mut QueryRefs) {
        for x in self {
            x.walk(r);
        }
    }
}

/// A field named `type_name`: a type a cast, a column definition, `XMLSERIALIZE`, a JSON function's
/// `RETURNING` ... names (in DDL, a list of name strings).
trait TypeNameField {
    fn visit(&self, r: &mut QueryRefs);
}

impl TypeNameField for Option<protobuf::TypeName> {
    fn visit(&self, r: &mut QueryRefs) {
        if let Some(t) = self {
            r.type_name(t);
        }
    }
}

impl TypeNameField for Vec<Node> {
    fn visit(&self, r: &mut QueryRefs) {
        self.walk(r);
    }
}

walk_fields! {
    AArrayExpr: [elements] [];
    AExpr: [name, lexpr, rexpr] [];
    AIndices: [lidx, uidx] [];
    AIndirection: [arg, indirection] [];
    AccessPriv: [cols] [];
    Aggref: [xpr, aggargtypes, aggdirectargs, args, aggorder, aggdistinct, aggfilter] [];
    Alias: [colnames] [];
    AlterCollationStmt: [collname] [];
    AlterDatabaseSetStmt: [setstmt] [];
    AlterDatabaseStmt: [options] [];
    AlterDefaultPrivilegesStmt: [options, action] [];
    AlterDomainStmt: [def] [type_name];
    AlterEnumStmt: [] [type_name];
    AlterExtensionContentsStmt: [object] [];
    AlterExtensionStmt: [options] [];
    AlterFdwStmt: [func_options, options] [];
    AlterForeignServerStmt: [options] [];
    AlterFunctionStmt: [func, actions] [];
    AlterObjectDependsStmt: [relation, object] [];
    AlterObjectSchemaStmt: [relation, object] [];
    AlterOpFamilyStmt: [opfamilyname, items] [];
    AlterOperatorStmt: [opername, options] [];
    AlterOwnerStmt: [relation, object] [];
    AlterPolicyStmt: [table, roles, qual, with_check] [];
    AlterPublicationStmt: [options, pubobjects] [];
    AlterRoleSetStmt: [setstmt] [];
    AlterRoleStmt: [options] [];
    AlterSeqStmt: [sequence, options] [];
    AlterStatsStmt: [defnames, stxstattarget] [];
    AlterSubscriptionStmt: [publication, options] [];
    AlterSystemStmt: [setstmt] [];
    AlterTableCmd: [def] [];
    AlterTableMoveAllStmt: [roles] [];
    AlterTableSpaceOptionsStmt: [options] [];
    AlterTableStmt: [relation, cmds] [];
    AlterTsConfigurationStmt: [cfgname, tokentype, dicts] [];
    AlterTsDictionaryStmt: [dictname, options] [];
    AlterTypeStmt: [options] [type_name];
    AlterUserMappingStmt: [options] [];
    AlternativeSubPlan: [xpr, subplans] [];
    ArrayCoerceExpr: [xpr, arg, elemexpr] [];
    ArrayExpr: [xpr, elements] [];
    BoolExpr: [xpr, args] [];
    BooleanTest: [xpr, arg] [];
    CallStmt: [funccall, funcexpr, outargs] [];
    CaseExpr: [xpr, arg, args, defresult] [];
    CaseTestExpr: [xpr] [];
    CaseWhen: [xpr, expr, result] [];
    ClusterStmt: [relation, params] [];
    CoalesceExpr: [xpr, args] [];
    CoerceToDomain: [xpr, arg] [];
    CoerceToDomainValue: [xpr] [];
    CoerceViaIo: [xpr, arg] [];
    CollateClause: [arg, collname] [];
    CollateExpr: [xpr, arg] [];
    ColumnDef: [raw_default, cooked_default, identity_sequence, coll_clause, constraints, fdwoptions] [type_name];
    ColumnRef: [fields] [];
    CommentStmt: [object] [];
    CommonTableExpr: [aliascolnames, ctequery, search_clause, cycle_clause, ctecolnames, ctecoltypes, ctecoltypmods, ctecolcollations] [];
    CompositeTypeStmt: [typevar, coldeflist] [];
    Constraint: [raw_expr, keys, including, exclusions, options, where_clause, pktable, fk_attrs, pk_attrs, fk_del_set_cols, old_conpfeqop] [];
    ConstraintsSetStmt: [constraints] [];
    ConvertRowtypeExpr: [xpr, arg] [];
    CopyStmt: [relation, query, attlist, options, where_clause] [];
    CreateAmStmt: [handler_name] [];
    CreateCastStmt: [sourcetype, targettype, func] [];
    CreateConversionStmt: [conversion_name, func_name] [];
    CreateDomainStmt: [domainname, coll_clause, constraints] [type_name];
    CreateEnumStmt: [vals] [type_name];
    CreateEventTrigStmt: [whenclause, funcname] [];
    CreateExtensionStmt: [options] [];
    CreateFdwStmt: [func_options, options] [];
    CreateForeignServerStmt: [options] [];
    CreateForeignTableStmt: [base_stmt, options] [];
    CreateFunctionStmt: [funcname, parameters, return_type, options, sql_body] [];
    CreateOpClassItem: [name, order_family, class_args, storedtype] [];
    CreateOpClassStmt: [opclassname, opfamilyname, datatype, items] [];
    CreateOpFamilyStmt: [opfamilyname] [];
    CreatePLangStmt: [plhandler, plinline, plvalidator] [];
    CreatePolicyStmt: [table, roles, qual, with_check] [];
    CreatePublicationStmt: [options, pubobjects] [];
    CreateRangeStmt: [params] [type_name];
    CreateRoleStmt: [options] [];
    CreateSchemaStmt: [schema_elts] [];
    CreateSeqStmt: [sequence, options] [];
    CreateStatsStmt: [defnames, stat_types, exprs, relations] [];
    CreateStmt: [relation, table_elts, inh_relations, partbound, partspec, of_typename, constraints, nnconstraints, options] [];
    CreateSubscriptionStmt: [publication, options] [];
    CreateTableAsStmt: [query, into] [];
    CreateTableSpaceStmt: [options] [];
    CreateTransformStmt: [fromsql, tosql] [type_name];
    CreateTrigStmt: [relation, funcname, args, columns, when_clause, transition_rels, constrrel] [];
    CreateUserMappingStmt: [options] [];
    CreatedbStmt: [options] [];
    CteCycleClause: [cycle_col_list, cycle_mark_value, cycle_mark_default] [];
    CteSearchClause: [search_col_list] [];
    CurrentOfExpr: [xpr] [];
    DeclareCursorStmt: [query] [];
    DefElem: [arg] [];
    DefineStmt: [defnames, args, definition] [];
    DeleteStmt: [relation, using_clause, where_clause, returning_clause, with_clause] [];
    DistinctExpr: [xpr, args] [];
    DoStmt: [args] [];
    DropOwnedStmt: [roles] [];
    DropRoleStmt: [roles] [];
    DropStmt: [objects] [];
    DropdbStmt: [options] [];
    ExecuteStmt: [params] [];
    ExplainStmt: [query, options] [];
    FieldSelect: [xpr, arg] [];
    FieldStore: [xpr, arg, newvals, fieldnums] [];
    FromExpr: [fromlist, quals] [];
    FuncCall: [funcname, args, agg_order, agg_filter, over] [];
    FuncExpr: [xpr, args] [];
    FunctionParameter: [arg_type, defexpr] [];
    GrantRoleStmt: [granted_roles, grantee_roles, opt] [];
    GrantStmt: [objects, privileges, grantees] [];
    GroupingFunc: [xpr, args, refs] [];
    GroupingSet: [content] [];
    ImportForeignSchemaStmt: [table_list, options] [];
    IndexElem: [expr, collation, opclass, opclassopts] [];
    IndexStmt: [relation, index_params, index_including_params, options, where_clause, exclude_op_names] [];
    InferClause: [index_elems, where_clause] [];
    InferenceElem: [xpr, expr] [];
    InsertStmt: [relation, cols, select_stmt, on_conflict_clause, returning_clause, with_clause] [];
    IntList: [items] [];
    IntoClause: [rel, col_names, options, view_query] [];
    JoinExpr: [larg, rarg, using_clause, join_using_alias, quals, alias] [];
    JsonAggConstructor: [output, agg_filter, agg_order, over] [];
    JsonArgument: [val] [];
    JsonArrayAgg: [constructor, arg] [];
    JsonArrayConstructor: [exprs, output] [];
    JsonArrayQueryConstructor: [query, output] [];
    JsonBehavior: [expr] [];
    JsonConstructorExpr: [xpr, args, func, coercion] [];
    JsonExpr: [xpr, formatted_expr, path_spec, passing_names, passing_values, on_empty, on_error] [];
    JsonFuncExpr: [context_item, pathspec, passing, output, on_empty, on_error] [];
    JsonIsPredicate: [expr] [];
    JsonKeyValue: [key, value] [];
    JsonObjectAgg: [constructor, arg] [];
    JsonObjectConstructor: [exprs, output] [];
    JsonOutput: [] [type_name];
    JsonParseExpr: [expr, output] [];
    JsonScalarExpr: [expr, output] [];
    JsonSerializeExpr: [expr, output] [];
    JsonTable: [context_item, pathspec, passing, columns, on_error, alias] [];
    JsonTableColumn: [pathspec, columns, on_empty, on_error] [type_name];
    JsonTablePathScan: [plan, child] [];
    JsonTablePathSpec: [string] [];
    JsonTableSiblingJoin: [plan, lplan, rplan] [];
    JsonValueExpr: [raw_expr, formatted_expr] [];
    List: [items] [];
    LockStmt: [relations] [];
    LockingClause: [locked_rels] [];
    MergeAction: [qual, target_list, update_colnos] [];
    MergeStmt: [relation, source_relation, join_condition, merge_when_clauses, returning_clause, with_clause] [];
    MergeSupportFunc: [xpr] [];
    MergeWhenClause: [condition, target_list, values] [];
    MinMaxExpr: [xpr, args] [];
    MultiAssignRef: [source] [];
    NamedArgExpr: [xpr, arg] [];
    NextValueExpr: [xpr] [];
    NullIfExpr: [xpr, args] [];
    NullTest: [xpr, arg] [];
    ObjectWithArgs: [objname, objargs, objfuncargs] [];
    OidList: [items] [];
    OnConflictClause: [infer, target_list, where_clause] [];
    OnConflictExpr: [arbiter_elems, arbiter_where, on_conflict_set, on_conflict_where, excl_rel_tlist] [];
    OpExpr: [xpr, args] [];
    Param: [xpr] [];
    PartitionBoundSpec: [listdatums, lowerdatums, upperdatums] [];
    PartitionCmd: [name, bound] [];
    PartitionElem: [expr, collation, opclass] [];
    PartitionRangeDatum: [value] [];
    PartitionSpec: [part_params] [];
    PlAssignStmt: [indirection, val] [];
    PrepareStmt: [argtypes, query] [];
    PublicationObjSpec: [pubtable] [];
    PublicationTable: [relation, where_clause, columns] [];
    Query: [utility_stmt, cte_list, rtable, rteperminfos, jointree, merge_action_list, merge_join_condition, target_list, on_conflict, returning_list, group_clause, grouping_sets, having_qual, window_clause, distinct_clause, sort_clause, limit_offset, limit_count, row_marks, set_operations, constraint_deps, with_check_options] [];
    RangeFunction: [functions, alias, coldeflist] [];
    RangeSubselect: [subquery, alias] [];
    RangeTableFunc: [docexpr, rowexpr, namespaces, columns, alias] [];
    RangeTableFuncCol: [colexpr, coldefexpr] [type_name];
    RangeTableSample: [relation, method, args, repeatable] [];
    RangeTblEntry: [alias, eref, tablesample, subquery, joinaliasvars, joinleftcols, joinrightcols, join_using_alias, functions, tablefunc, values_lists, coltypes, coltypmods, colcollations, groupexprs, security_quals] [];
    RangeTblFunction: [funcexpr, funccolnames, funccoltypes, funccoltypmods, funccolcollations] [];
    RangeVar: [alias] [];
    RawStmt: [stmt] [];
    ReassignOwnedStmt: [roles] [];
    RefreshMatViewStmt: [relation] [];
    ReindexStmt: [relation, params] [];
    RelabelType: [xpr, arg] [];
    RenameStmt: [relation, object] [];
    ResTarget: [indirection, val] [];
    ReturnStmt: [returnval] [];
    ReturningClause: [options, exprs] [];
    ReturningExpr: [xpr, retexpr] [];
    RowCompareExpr: [xpr, opnos, opfamilies, inputcollids, largs, rargs] [];
    RowExpr: [xpr, args, colnames] [];
    RuleStmt: [relation, where_clause, actions] [];
    ScalarArrayOpExpr: [xpr, args] [];
    SecLabelStmt: [object] [];
    SelectStmt: [distinct_clause, into_clause, target_list, from_clause, where_clause, group_clause, having_clause, window_clause, values_lists, sort_clause, limit_offset, limit_count, locking_clause, with_clause, larg, rarg] [];
    SetOperationStmt: [larg, rarg, col_types, col_typmods, col_collations, group_clauses] [];
    SetToDefault: [xpr] [];
    SortBy: [node, use_op] [];
    SqlValueFunction: [xpr] [];
    StatsElem: [expr] [];
    SubLink: [xpr, testexpr, oper_name, subselect] [];
    SubPlan: [xpr, testexpr, param_ids, set_param, par_param, args] [];
    SubscriptingRef: [xpr, refupperindexpr, reflowerindexpr, refexpr, refassgnexpr] [];
    TableFunc: [ns_uris, ns_names, docexpr, rowexpr, colnames, coltypes, coltypmods, colcollations, colexprs, coldefexprs, colvalexprs, passingvalexprs, plan] [];
    TableLikeClause: [relation] [];
    TableSampleClause: [args, repeatable] [];
    TargetEntry: [xpr, expr] [];
    TransactionStmt: [options] [];
    TruncateStmt: [relations] [];
    TypeCast: [arg] [type_name];
    TypeName: [names, typmods, array_bounds] [];
    UpdateStmt: [relation, target_list, where_clause, from_clause, returning_clause, with_clause] [];
    VacuumRelation: [relation, va_cols] [];
    VacuumStmt: [options, rels] [];
    Var: [xpr] [];
    VariableSetStmt: [args] [];
    ViewStmt: [view, aliases, query, options] [];
    WindowClause: [partition_clause, order_clause, start_offset, end_offset] [];
    WindowDef: [partition_clause, order_clause, start_offset, end_offset] [];
    WindowFunc: [xpr, args, aggfilter, run_condition] [];
    WindowFuncRunCondition: [xpr, arg] [];
    WithCheckOption: [qual] [];
    WithClause: [ctes] [];
    XmlExpr: [xpr, named_args, arg_names, args] [];
    XmlSerialize: [expr] [type_name];
}

#[cfg(test)]
mod tests {
    use super::QueryRefs;
    use serde_json::Value;

    /// The walk this one replaced, over the parse tree as JSON (`serde_json::to_value` of the protobuf
    /// nodes): kept here to check that the typed walk finds the same names in any tree.
    #[derive(Default)]
    struct JsonRefs {
        relations: Vec<(String, String, Option<String>)>,
        ctes: Vec<String>,
        columns: Vec<(Vec<String>, bool)>,
        functions: Vec<Vec<String>>,
        types: Vec<Vec<String>>,
    }

    impl JsonRefs {
        fn strings(v: &Value) -> (Vec<String>, bool) {
            let mut out = Vec::new();
            let mut star = false;
            for i in v.as_array().into_iter().flatten() {
                let n = i.get("node").unwrap_or(i);
                if let Some(s) = n
                    .get("String")
                    .and_then(|s| s.get("sval"))
                    .and_then(Value::as_str)
                {
                    out.push(s.to_string());
                } else if n.get("AStar").is_some() {
                    star = true;
                }
            }
            (out, star)
        }

        fn walk(&mut self, v: &Value) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        let field = |f: &str| x.get(f).unwrap_or(&Value::Null);
                        match k.as_str() {
                            "RangeVar" => {
                                let s = |f: &str| field(f).as_str().unwrap_or("").to_string();
                                let alias = field("alias")
                                    .get("aliasname")
                                    .and_then(Value::as_str)
                                    .map(str::to_string);
                                self.relations.push((s("schemaname"), s("relname"), alias));
                            }
                            "CommonTableExpr" => {
                                if let Some(n) = field("ctename").as_str() {
                                    self.ctes.push(n.to_string());
                                }
                            }
                            "ColumnRef" => self.columns.push(Self::strings(field("fields"))),
                            "FuncCall" => self.functions.push(Self::strings(field("funcname")).0),
                            "TypeName" | "type_name" => {
                                self.types.push(Self::strings(field("names")).0)
                            }
                            _ => {}
                        }
                        self.walk(x);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| self.walk(x)),
                _ => {}
            }
        }
    }

    /// Both walks' findings, sorted (their order differs and does not matter: the interpreter makes sets of
    /// them), without the empty type names the JSON walk also listed (for a `type_name` field that is empty or
    /// a list of strings), which name nothing.
    fn both(stmt: &pg_query::protobuf::node::Node) -> (String, String) {
        let typed = QueryRefs::of(stmt);
        let mut json = JsonRefs::default();
        json.walk(&serde_json::to_value(stmt).unwrap());
        let show = |mut relations: Vec<(String, String, Option<String>)>,
                    mut ctes: Vec<String>,
                    mut columns: Vec<(Vec<String>, bool)>,
                    mut functions: Vec<Vec<String>>,
                    mut types: Vec<Vec<String>>| {
            relations.sort();
            ctes.sort();
            ctes.dedup();
            columns.sort();
            functions.sort();
            types.retain(|t| !t.is_empty());
            types.sort();
            format!("{relations:?}\n{ctes:?}\n{columns:?}\n{functions:?}\n{types:?}")
        };
        (
            show(
                typed.relations,
                typed.ctes.into_iter().collect(),
                typed.columns,
                typed.functions,
                typed.types,
            ),
            show(
                json.relations,
                json.ctes,
                json.columns,
                json.functions,
                json.types,
            ),
        )
    }

    fn sql_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                sql_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "sql") {
                out.push(p);
            }
        }
    }

    /// Queries with the node kinds a view or a SQL-standard function body can hold.
    const QUERIES: &[&str] = &[
        "SELECT a.x, b.* , count(*) FILTER (WHERE a.y > 0) OVER (PARTITION BY a.z ORDER BY a.x) \
         FROM s.a AS a LEFT JOIN LATERAL (SELECT * FROM b WHERE b.k = a.k) b ON true, \
         generate_series(1, 3) AS g(n), s.c TABLESAMPLE bernoulli (10) REPEATABLE (1)",
        "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 9) \
         SEARCH DEPTH FIRST BY n SET ord CYCLE n SET is_cycle USING path SELECT * FROM t",
        "SELECT CASE WHEN x IS NULL THEN 'a'::text COLLATE \"C\" ELSE y::varchar(3) END, \
         COALESCE(a, NULLIF(b, c)), GREATEST(d, e), (ARRAY[1, 2])[1:2], (f).g, h[1], ROW(1, 2) < ROW(3, 4), \
         x IN (SELECT z FROM q), EXISTS (SELECT 1), x = ANY (ARRAY(SELECT 1)), x IS DISTINCT FROM y, \
         x BETWEEN 1 AND 2, x LIKE 'a%', x IS TRUE, CAST(x AS public.t[]), current_user, \
         GROUPING(a), $1 FROM t GROUP BY GROUPING SETS ((a), ROLLUP (b), CUBE (c)) \
         HAVING sum(x) > 0 ORDER BY 1 USING < LIMIT 3 OFFSET 1 FOR UPDATE OF t SKIP LOCKED",
        "SELECT xmlelement(name a, xmlattributes(b AS c), d), xmlserialize(document e AS text), \
         xmlforest(f, g), xmlparse(document h), xmlpi(name i), xmlroot(j, version '1'), \
         xmlexists('//a' PASSING k) FROM XMLTABLE('/r' PASSING doc COLUMNS id int PATH '@id', \
         ord FOR ORDINALITY) x",
        "SELECT json_object('a': 1 RETURNING jsonb), json_array(1, 2 RETURNING json), \
         json_arrayagg(x ORDER BY x RETURNING jsonb), json_objectagg(k: v), \
         json_array(SELECT 1), JSON_VALUE(j, '$.a' RETURNING int DEFAULT 0 ON EMPTY), \
         JSON_QUERY(j, '$' WITH WRAPPER), JSON_EXISTS(j, '$.b' PASSING 1 AS x), j IS JSON OBJECT, \
         json(t), json_scalar(1), json_serialize(j RETURNING bytea) \
         FROM JSON_TABLE(jsonb '[]', '$[*]' AS p COLUMNS (a int PATH '$.a', \
         NESTED PATH '$.b[*]' COLUMNS (b text PATH '$'))) jt",
        "SELECT f(a => 1, b := 2), g(VARIADIC ARRAY[1]), h(DISTINCT x ORDER BY y), \
         percentile_cont(0.5) WITHIN GROUP (ORDER BY x), t.x AT TIME ZONE 'UTC', \
         s.nextval('q'), EXTRACT(year FROM now()), SUBSTRING(x FROM 1 FOR 2), TRIM(BOTH FROM x), \
         x::public.my_type, interval '1 day', w FROM ONLY t WINDOW w AS (ORDER BY x ROWS 2 PRECEDING)",
        "VALUES (1, 'a'), (2, 'b')",
        "INSERT INTO s.t (a, b) SELECT x, y FROM u ON CONFLICT (a) WHERE a > 0 DO UPDATE SET b = EXCLUDED.b \
         RETURNING *",
        "UPDATE s.t SET (a, b) = (SELECT 1, 2), c = DEFAULT FROM u WHERE t.k = u.k AND CURRENT_DATE > t.d \
         RETURNING t.a",
        "DELETE FROM s.t USING u WHERE t.k = u.k RETURNING old.*",
        "MERGE INTO s.t USING u ON t.k = u.k WHEN MATCHED AND u.d THEN DELETE \
         WHEN NOT MATCHED THEN INSERT (k) VALUES (u.k) WHEN MATCHED THEN UPDATE SET v = u.v",
        "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC \
         SELECT a + count(*) FROM t; INSERT INTO u VALUES (a); END",
        "CREATE FUNCTION g(a s.d) RETURNS s.d LANGUAGE sql RETURN a::s.d + 1",
    ];

    #[test]
    fn the_typed_walk_finds_what_the_json_walk_found() {
        let mut texts: Vec<(String, String)> = QUERIES
            .iter()
            .map(|q| ("QUERIES".to_string(), q.to_string()))
            .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut files = Vec::new();
        sql_files(&root, &mut files);
        files.sort();
        for f in files {
            if let Ok(sql) = std::fs::read_to_string(&f) {
                texts.push((f.display().to_string(), sql));
            }
        }
        let mut statements = 0;
        for (from, sql) in &texts {
            let parsed = match pg_query::parse(sql, 0) {
                Ok(p) => p,
                // the fixtures hold a few scripts that do not parse on purpose
                Err(_) if from != "QUERIES" => continue,
                Err(e) => panic!("{sql}: {e}"),
            };
            for raw in &parsed.protobuf.stmts {
                let Some(stmt) = raw.stmt.as_deref().and_then(|n| n.node.as_ref()) else {
                    continue;
                };
                statements += 1;
                let (typed, json) = both(stmt);
                assert_eq!(typed, json, "{from}: {stmt:?}");
            }
        }
        assert!(statements > 1000, "only {statements} statements");
    }
}
