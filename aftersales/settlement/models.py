"""Partner settlement (网点结算): fee rates, accruals per completed visit, statements."""
