package evaluate

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// ridge is the L2 penalty on the non-intercept coefficients: small enough
// not to move the predictions of a well-identified model, large enough to
// keep a covariate level where every person succeeded (or none did) from
// sending its coefficient to infinity.
const ridge = 1e-4

// fitLogit fits P(y = 1) = 1/(1 + exp(−Xβ)) by maximum likelihood (with
// ridge) using gonum's Newton method. Rows of X are covariate patterns
// (column 0 the intercept), each with total persons and succ of them with
// y = 1: the binomial likelihood of the patterns is the person-level
// likelihood. It returns β.
func fitLogit(x *mat.Dense, succ, total []float64) ([]float64, error) {
	n, k := x.Dims()
	if n != len(succ) || n != len(total) || n == 0 {
		return nil, errors.New("logit: no rows")
	}
	persons := floats.Sum(total)
	lin := make([]float64, n)
	linear := func(beta []float64) {
		mat.NewVecDense(n, lin).MulVec(x, mat.NewVecDense(k, beta))
	}
	// negative log-likelihood per row, so the tolerances do not depend on n
	f := func(beta []float64) float64 {
		linear(beta)
		var nll float64
		for i, z := range lin {
			// log(1 + e^z) − y z, computed without overflow
			nll += total[i]*(math.Max(z, 0)+math.Log1p(math.Exp(-math.Abs(z)))) - succ[i]*z
		}
		return nll/persons + ridge/2*floats.Dot(beta[1:], beta[1:])
	}
	grad := func(g, beta []float64) {
		linear(beta)
		r := make([]float64, n)
		for i, z := range lin {
			r[i] = (total[i]*sigmoid(z) - succ[i]) / persons
		}
		gv := mat.NewVecDense(k, g)
		gv.MulVec(x.T(), mat.NewVecDense(n, r))
		for j := 1; j < k; j++ {
			g[j] += ridge * beta[j]
		}
	}
	// w holds the rows of X scaled by √(n p (1 − p)), refilled at every
	// Hessian (through the raw rows: Set and At per element cost more than
	// the product itself)
	w := mat.NewDense(n, k, nil)
	xr, wr := x.RawMatrix(), w.RawMatrix()
	hess := func(h *mat.SymDense, beta []float64) {
		linear(beta)
		for i, z := range lin {
			p := sigmoid(z)
			s := math.Sqrt(total[i] * p * (1 - p) / persons)
			xrow, wrow := xr.Data[i*xr.Stride:i*xr.Stride+k], wr.Data[i*wr.Stride:i*wr.Stride+k]
			for j, v := range xrow {
				wrow[j] = v * s
			}
		}
		h.SymOuterK(1, w.T())
		for j := 1; j < k; j++ {
			h.SetSym(j, j, h.At(j, j)+ridge)
		}
	}
	p := optimize.Problem{Func: f, Grad: grad, Hess: hess}
	res, err := optimize.Minimize(p, make([]float64, k), &optimize.Settings{GradientThreshold: 1e-9}, &optimize.Newton{})
	if err != nil {
		// a line search that stalls at the optimum (the function is flat to
		// machine precision) still leaves the optimum
		if res == nil || len(res.X) != k {
			return nil, fmt.Errorf("logit: %w", err)
		}
		g := make([]float64, k)
		grad(g, res.X)
		if floats.Norm(g, math.Inf(1)) > 1e-6 {
			return nil, fmt.Errorf("logit: %w (gradient %.2g)", err, floats.Norm(g, math.Inf(1)))
		}
	}
	return res.X, nil
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
