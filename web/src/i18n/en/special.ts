import type vi from '../vi/special';

export default {
} satisfies Record<keyof typeof vi, string>;
