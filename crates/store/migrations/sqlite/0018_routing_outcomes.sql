-- How routing fared in practice (the routing page's 分派效果): who sent each complaint to its
-- first department (rule, model, or triage for a person), which department that was and which
-- rule chose it, beside the department it is in now; and the category routing classified it as. Kept in step with the projection's `routing`, like route_hint,
-- so the figures group plain columns instead of reading every complaint's JSON. Keep in step with
-- ../postgres/0018_routing_outcomes.sql.
ALTER TABLE complaints ADD COLUMN routed_by TEXT;
ALTER TABLE complaints ADD COLUMN routed_department TEXT;
ALTER TABLE complaints ADD COLUMN routed_rule_id BIGINT;
ALTER TABLE complaints ADD COLUMN routed_category TEXT;
UPDATE complaints SET
    routed_by = CASE json_extract(doc, '$.routing.outcome')
        WHEN 'triage' THEN 'triage'
        WHEN 'assigned' THEN CASE json_extract(doc, '$.routing.department.source')
            WHEN 'rule' THEN 'rule' WHEN 'model' THEN 'model' END
    END,
    routed_department = coalesce(json_extract(doc, '$.routing.department.label'), json_extract(doc, '$.routing.department.top[0].label')),
    routed_rule_id = CASE WHEN json_extract(doc, '$.routing.outcome') = 'assigned'
                           AND json_extract(doc, '$.routing.department.source') = 'rule'
        THEN json_extract(doc, '$.routing.department.rule_id') END,
    routed_category = CASE WHEN json_extract(doc, '$.routing.outcome') = 'assigned'
                            AND json_extract(doc, '$.routing.category.source') IN ('rule', 'model')
        THEN json_extract(doc, '$.routing.category.label') END
WHERE json_extract(doc, '$.routing') IS NOT NULL;
