"""The hints: the text of every mistake a check can name, one key each.

The mutants of the catalogue name their hint by its key, and so do the engine's refusals (``calls_helpers``,
``in_place``, ``not_restored``). A check prints a hint after ``likely mistake: ``, wrapped to
``messages.WIDTH``; the tests look for these exact texts, whitespace aside. A hint names the misconception
and the way on, never a line of the solution.
"""

HINTS = {
    # ------------------------------------------------ shared by several exercises
    "transposed": "a transposed product: check the shapes. A product of (a, b) and (b, c) gives (a, c), "
                  "and a gradient has the shape of its parameter (dW like W, dhidden like hidden_layer).",
    "wrong_axis": "summed along the wrong axis: softmax normalises each row, over the classes (axis 1); "
                  "a bias gradient sums over the examples (axis 0).",
    "lost_keepdims": "the sum lost its kept dimension: with keepdims=True a row sum keeps shape (n, 1) "
                     "and a column sum (1, K), so they broadcast the right way.",
    "overflow": "np.exp overflows on big scores (above about 709) and gives inf and then NaN: "
                "subtract each row's maximum before exponentiating.",
    "shift_not_max": "each row is shifted by another value than its maximum (its mean or minimum?): "
                     "where a row's scores spread far, a score stays far above it and np.exp overflows. "
                     "Only the maximum makes the largest exponent e^0 = 1.",
    "n_global": "the result is right only on 300 examples, as many as the notebook's X: the number of "
                "examples is read from outside the function. Count the rows of the array passed in.",
    "n_from_columns": "the result is right only where n = K: the number of examples n is the number of "
                      "rows of the array passed in, not of its columns.",
    "in_place": "an argument was changed in place, so the cells that use it afterwards see other values: "
                "compute new arrays instead (for example start from a .copy()).",
    "calls_helpers": "write the computation with NumPy yourself: "
                     "the exercise is to build what that helpers function does.",

    # ------------------------------------------------ ex1_spiral_arm
    "arm_transposed": "the points are in columns: the arm has one point per row, shape (N, 2), "
                      "with the two coordinates as its columns.",
    "arm_sin_cos": "sin and cos are swapped: a point is (r sin t, r cos t).",
    "arm_no_four": "the angles sweep 1 radian instead of 4: arm j runs from 4j to 4(j+1).",
    "arm_degrees": "the angles are taken as degrees: np.sin and np.cos work in radians, "
                   "and arm j runs from 4j to 4(j+1) radians, with no conversion.",
    "arm_step": "the angles advance by 4/N from point to point, so the last falls short of 4(j+1): "
                "N points from 4j to 4(j+1), both ends included, are 4/(N-1) apart.",
    "arm_no_noise": "the angles have no noise: "
                    "each angle gets Gaussian noise of standard deviation 0.2, drawn from rng.",
    "arm_noise_scale": "the noise is not scaled: its standard deviation is 0.2, not 1.",
    "arm_two_draws": "each coordinate has noise of its own: a point is (r sin t, r cos t) with one "
                     "noisy angle t, so draw the N normals once and use them in both.",
    "arm_radius": "the radii are not spread evenly from 0 to 1 over the N points.",
    "arm_base_angles": "the radii are right but the angles are off by more than noise: before the noise, "
                       "they run evenly over the N points, in radians, from 4j to 4(j+1).",
    "arm_other_draws": "the radii are right but the angles' noise differs: draw exactly N standard normals "
                       "from the rng passed in (not from np.random), and nothing else.",

    # ------------------------------------------------ ex2_class_scores
    "no_bias": "the bias is missing: the scores are XW + b, with b broadcast over the rows.",

    # ------------------------------------------------ ex3_softmax_probs
    "no_exp": "the scores are normalised without exponentiating them first, which is what makes them positive.",
    "not_normalised": "the exponentiated scores are not divided by their row sums, so the rows do not sum to 1.",

    # ------------------------------------------------ ex4_softmax_loss_l2
    "no_l2": "the L2 term is missing: "
             "the loss is the mean cross-entropy plus (1/2) reg times the sum of the squared weights.",
    "no_half": "the L2 term lacks its 1/2: "
               "it is (1/2) reg times the sum of the squared weights, so that its gradient is reg times W.",
    "sum_not_mean": "a sum where the mean belongs: the data loss averages over the n examples.",
    "log_all": "the log is taken of more than the correct class's probability (every probability, "
               "or whole columns): each example contributes only -ln p of its own class y_i.",

    # ------------------------------------------------ ex5_loss_from_scores
    "lse_overflow": "np.exp overflows on scores above about 709, so the log-sum-exp becomes inf: "
                    "subtract each row's largest score before exponentiating, and add it back after the log.",
    "log_of_probs": "the log is taken of a probability, which underflows to 0 when the correct class is far "
                    "behind, and -ln 0 is inf: compute ln p from the scores by log-sum-exp, without probs.",
    "lse_global_max": "the scores are shifted by the largest score of the whole array, not of each row: "
                      "the exponentials of a row far below it all underflow to 0, and ln 0 is -inf. "
                      "Shift each row by its own maximum.",
    "lse_wrong_axis": "the maximum or the sum runs along the wrong axis: the log-sum-exp runs over "
                      "one example's K scores, along its row (axis 1).",
    "lse_lost_keepdims": "the row maxima lost their kept dimension: as shape (n,) they are subtracted along "
                         "the columns; with keepdims=True, shape (n, 1), each row loses its own maximum.",
    "lse_shift_unbalanced": "the row maximum is taken out and put back unevenly (or with the wrong sign): "
                            "ln sum_k e^f_k is f_max plus "
                            "ln sum_k e^(f_k - f_max). Add f_max back and subtract the correct class's own score, "
                            "or subtract its shifted score and add nothing back.",
    "lse_no_correct_score": "the correct class's score is not subtracted: L_i is the log-sum-exp of "
                            "row i minus f_(i,y_i), the score of its correct class.",
    "lse_not_averaged": "these are the n examples' losses L_i, one each: the loss is their mean, a single number.",
    "log_probability_not_loss": "this is the mean log-probability ln p, which is at most 0: the loss is its "
                                "negative, -ln p, which is at least 0 for every example.",

    # ------------------------------------------------ ex6_neuron_backward
    "no_upstream": "the gradients are not multiplied by the upstream gradient da: by the chain rule each "
                   "gate multiplies the gradient arriving from above by its own local gradient.",
    "mul_swapped": "a multiply gate's local gradients are swapped: the gradient on one input of w x is "
                   "the other input's value (on w it is x, on x it is w), times the upstream gradient.",
    "mul_as_add": "a multiply gate passes the gradient on unchanged, as an add gate does: "
                  "it scales it by the other input's value.",
    "add_divided": "the add gate divides the gradient among its inputs: "
                   "it passes the whole upstream gradient to every input, since each enters the sum with slope 1.",
    "max_both": "the max gate passes the gradient although z < 0: max(0, z) routes the whole gradient to "
                "the larger of its inputs, so z gets it only where z > 0, and 0 elsewhere.",
    "max_wrong_side": "the max gate passes the gradient on the wrong side: z gets it where z > 0 "
                      "(the neuron is on), and 0 where z <= 0.",
    "max_on_gradient": "the max gate is switched by the sign of the gradient, not by its forward input z: "
                       "z gets the whole upstream gradient, whatever its sign, where z > 0 (the neuron was on), "
                       "and 0 where z <= 0.",

    # ------------------------------------------------ ex7_score_gradient
    "grad_no_mean": "the gradient is not divided by n: the loss is a mean over the n examples, "
                    "so every row of dscores is divided by n too.",
    "no_minus_one": "1 is not subtracted at each example's correct class: "
                    "the gradient on the scores is (p - 1(y_i = k)) / n.",
    "minus_one_column": "1 is subtracted in whole columns: subtract it from one entry per row, "
                        "the example's correct class, by indexing rows and columns with two index arrays.",
    "unnormalised": "dscores is computed from unnormalised scores: "
                    "turn the scores into softmax probabilities (each row summing to 1) first.",
    "global_max": "the scores are shifted by the largest score of the whole array, not of each row: "
                  "in a row far below it every exponential underflows to 0, and 0 / 0 is NaN. "
                  "Shift each row by its own maximum.",

    # ------------------------------------------------ ex8_linear_backward
    "no_reg_grad": "the regularisation gradient is missing: the L2 term (1/2) reg sum(W^2) adds reg times W to dW.",
    "half_reg_grad": "the regularisation gradient carries a stray 1/2: "
                     "the derivative of (1/2) reg sum(W^2) is reg times W.",
    "divided_twice": "a gradient is divided by n once more: dscores already holds the mean's 1/n, so dW and db "
                     "add up the examples' contributions, with no further division.",

    # ------------------------------------------------ ex9_numerical_gradient
    "one_sided": "a one-sided difference, f at x + eps (or x - eps) against f at x: its error shrinks only "
                 "like eps. The centred one takes f at x + eps and at x - eps.",
    "lowered_back_to_x": "the second value is f at x, not at x - eps: an entry raised by eps and then lowered "
                         "by eps is back where it started. Set it to its saved value minus eps, "
                         "2 eps below the first point.",
    "no_two": "the difference is divided by eps, but x + eps and x - eps are 2 eps apart: divide by 2 eps.",
    "difference_reversed": "the difference is taken the wrong way round, which flips the gradient's sign: "
                           "f at x + eps minus f at x - eps.",
    "all_at_once": "every entry of x is nudged at once, which gives one number for all of them: "
                   "nudge one entry at a time, the others staying put.",
    "not_restored": "x is not put back: after an entry's two evaluations, restore the value it had (save it first), "
                    "so that x comes back unchanged.",
    "nudged_copy": "the gradient is all zeros, as when f never sees the nudges: f reads x itself, not a copy of it, "
                   "so nudge the entries of x in place (and put each one back).",
    "f_called_with_x": "f takes no arguments: it reads x itself. "
                       "Change an entry of x in place, then call f() to get its value there.",
    "fixed_eps": "the step is not the eps passed in: nudge each entry by the argument eps, not by a fixed number.",

    # ------------------------------------------------ ex10_gradient_descent_update
    "wrong_sign": "the update has the wrong sign: the gradient points uphill, so step against it.",
    "no_step_size": "the step size is missing: the step is the gradient scaled by step_size.",

    # ------------------------------------------------ ex11_hidden_activation
    "relu_not_applied": "the ReLU is not applied: A = max(0, Z) sets every negative entry to 0.",
    "relu_wrong_side": "the ReLU keeps the wrong side: it keeps the positive entries and zeroes the negative ones.",
    "relu_mask": "this returns the switch 1(Z > 0), not the activation max(0, Z).",
    "np_max": "np.max reduces one array to its largest entry (here z is read as the axis): "
              "the elementwise maximum of two arguments is another NumPy function.",

    # ------------------------------------------------ ex12_second_layer_backward
    "no_reg_grad2": "the regularisation gradient is missing: "
                    "the L2 term (1/2) reg sum(W2^2) adds reg times W2 to dW2.",
    "half_reg_grad2": "the regularisation gradient carries a stray 1/2: "
                      "the derivative of (1/2) reg sum(W2^2) is reg times W2.",
    "switch_early": "the ReLU switch is already applied to dhidden: "
                    "this function returns dL/dA; the switch comes next, in relu_switch.",

    # ------------------------------------------------ ex13_relu_switch
    "switch_wrong_side": "the ReLU switch is on the wrong side: the gradient passes where the unit was on, Z > 0, "
                         "and is zeroed where Z <= 0.",
    "switch_not_applied": "the ReLU switch is not applied: "
                          "the gradient must be zeroed wherever Z <= 0, where the unit was off.",
    "switch_times_z": "the gradient is multiplied by Z's values: the ReLU's slope is 1 where Z > 0 and 0 elsewhere, "
                      "so only that switch multiplies it.",

    # ------------------------------------------------ ex14_network_forward
    "forward_no_bias": "a bias is missing: each layer adds its own, b to XW and b2 to AW2, broadcast over the rows.",
    "scores_from_z": "the scores are computed from Z, before the ReLU: the second layer's input is the activation A.",
    "forward_returns_z": "hidden_layer is returned before the ReLU: return the activation A, which the backward "
                         "pass needs.",
    "forward_order": "the two values come back in the other order: scores first, then hidden_layer.",

    # ------------------------------------------------ ex15_network_loss
    "l2_one_layer": "the L2 term covers one weight matrix only: it is (1/2) reg times the sum of the squared "
                    "entries of W, plus the same for W2.",
    "l2_biases": "the biases are regularised too: the L2 term, and so its gradient, covers the weights W and W2 only.",
    "probs_reused": "probs was changed in place before the loss read it: dscores = probs names the same array, "
                    "not a copy. Compute the loss first, or start dscores from a copy.",

    # ------------------------------------------------ ex16_network_backward
    "dW2_from_X": "dW2 is built from X: the second layer's input is hidden_layer, not X.",
    "dW_from_hidden": "dW is built from hidden_layer: the first layer's input is X.",
    "reg_grad_missing": "a regularisation gradient is missing: the L2 term adds reg times W to dW "
                        "and reg times W2 to dW2.",
    "reg_twice": "a regularisation gradient is added twice: second_layer_backward already adds reg times W2 "
                 "to dW2, so only dW still needs its reg times W.",
    "backward_sign": "a gradient has the wrong sign: the chain rule multiplies local gradients and adds no "
                     "minus sign; the minus belongs to the update, which steps against the gradient.",
    "backward_over_n": "a gradient is divided by n again: dscores already carries the 1/n of the mean loss, "
                       "and the chain rule passes it on to every gradient.",
    "backward_order": "the gradients come back in another order: dW, db, dW2, db2, "
                      "the order of the parameters W, b, W2, b2.",

    # ------------------------------------------------ ex17_train_network
    "loop_no_reg_grad": "the update leaves out the regularisation gradient: give the backward pass the same reg "
                        "as the loss, so that each weight's gradient has its reg times W.",
    "loop_fixed_reg": "reg is not the one passed in: use the argument reg, in the loss and in the backward pass.",
    "loop_missing_update": "some parameters never take a step: each iteration updates all four, W, b, W2 and b2.",
    "loop_not_updated": "the parameters never change, so the loss stays where it started: the update has to "
                        "change the arrays that the next forward pass reads.",
    "loop_returns_start": "the loss falls, but the parameters returned are the starting ones: "
                          "return the parameters you trained.",
    "loop_stale_gradient": "the gradients are computed once, before the loop: every iteration needs a forward "
                           "and a backward pass at the current parameters.",
    "loop_iterations": "the loop takes another number of steps than num_iters: one update per iteration, "
                       "with the loss recorded before each.",
    "loop_in_place": "the params passed in were trained in place, so the cells below would start from trained "
                     "weights: train copies of the arrays, and return those.",
    "loop_no_step_size": "the step is not scaled by the argument step_size: the gradient is used as it is, "
                         "or scaled by a fixed number (such as the course's STEP_SIZE). Scale it by step_size.",
    "loop_loss_after_step": "each loss is recorded after its step: record the loss that loss_and_grads gives at "
                            "the current parameters, before they move.",
    "loop_extra_loss": "one loss too many: the loss after the last step is recorded as well; "
                       "record one loss per step, the one before it.",
    "loop_losses_column": "the losses form a column, shape (num_iters, 1): keep one number per iteration, "
                          "in a list or in an array of shape (num_iters,).",
    "loop_step_over_n": "the step is divided by n: the gradients of the mean loss already carry the 1/n, "
                        "so each step is step_size times the gradient.",
    "loop_order": "the two values come back in the other order: params first, then losses.",
    "loop_helpers_pieces": "the loop calls helpers' functions: use the notebook's loss_and_grads above, "
                           "built on your exercises 14 to 16, not helpers'.",
    "loop_pieces_changed": "the loop may be right, but the notebook's loss_and_grads no longer agrees with helpers' "
                           "on these inputs: a function of exercises 14 to 16 was changed after its check. "
                           "Re-run the cells from exercise 14 down.",

}
