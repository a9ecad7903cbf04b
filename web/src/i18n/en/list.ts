import type vi from '../vi/list';

export default {
} satisfies Record<keyof typeof vi, string>;
