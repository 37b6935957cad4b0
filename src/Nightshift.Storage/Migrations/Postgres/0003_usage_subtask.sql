-- The plan subtask a model call was made for, so cost per subtask can be shown. Null for calls made for the whole
-- task (planning, verification feedback) and for every row recorded before this column existed.
ALTER TABLE usage ADD COLUMN subtask text;
