// Every UI string in English; each section is checked to have exactly the Vietnamese keys.
import core from './en/core';
import list from './en/list';
import record from './en/record';
import special from './en/special';
import home from './en/home';

export default { ...core, ...list, ...record, ...special, ...home };
