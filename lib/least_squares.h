/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Least-squares fits of polynomials in two variables (segmentation's
 * background cubic, the matcher's skin fields): their terms and the solve
 * of the normal equations. Private to libpalmvein.
 */
#ifndef PALMVEIN_LEAST_SQUARES_H
#define PALMVEIN_LEAST_SQUARES_H

#include <math.h>
#include <stdbool.h>

/* The largest system: the cubic's ten terms. */
#define PV_SOLVE_MAX 10
/* Terms up to degree 1, 2 and 3: the first 3, 6 and all 10 of pv_terms(). */
#define PV_TERMS_AFFINE 3
#define PV_TERMS_QUADRATIC 6
#define PV_TERMS_CUBIC 10

/* The monomials at (@u, @v), by degree. */
static inline void pv_terms(double u, double v, double t[PV_TERMS_CUBIC])
{
	t[0] = 1;
	t[1] = u;
	t[2] = v;
	t[3] = u * u;
	t[4] = u * v;
	t[5] = v * v;
	t[6] = u * u * u;
	t[7] = u * u * v;
	t[8] = u * v * v;
	t[9] = v * v * v;
}

/*
 * Solves the @n x @n system @a x = @b in place, x into @b (Gauss-Jordan
 * with partial pivoting); false when it is singular: a pivot under @tiny.
 */
static inline bool pv_solve(double a[PV_SOLVE_MAX][PV_SOLVE_MAX], double b[PV_SOLVE_MAX],
			    int n, double tiny)
{
	for (int c = 0; c < n; c++) {
		int p = c;

		for (int r = c + 1; r < n; r++)
			if (fabs(a[r][c]) > fabs(a[p][c]))
				p = r;
		if (fabs(a[p][c]) < tiny)
			return false;
		for (int k = 0; k < n; k++) {
			double t = a[c][k];

			a[c][k] = a[p][k];
			a[p][k] = t;
		}
		double t = b[c];

		b[c] = b[p];
		b[p] = t;
		for (int r = 0; r < n; r++) {
			double m;

			if (r == c)
				continue;
			m = a[r][c] / a[c][c];
			for (int k = c; k < n; k++)
				a[r][k] -= m * a[c][k];
			b[r] -= m * b[c];
		}
	}
	for (int c = 0; c < n; c++)
		b[c] /= a[c][c];
	return true;
}

#endif /* PALMVEIN_LEAST_SQUARES_H */
