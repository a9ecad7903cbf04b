// Every UI string in Vietnamese, by section (one file per area of the UI).
import core from './vi/core';
import list from './vi/list';
import record from './vi/record';
import special from './vi/special';
import home from './vi/home';

export default { ...core, ...list, ...record, ...special, ...home };
