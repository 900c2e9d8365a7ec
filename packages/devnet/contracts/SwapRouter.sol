// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IRouterErc20 {
    function transferFrom(address, address, uint256) external returns (bool);
}

interface IRouterPair {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to) external;
}

/// The part of Uniswap V2's router a wallet swap needs: one pair, an exact input, and the two protections the
/// signed transaction carries, a minimum output (slippage) and a deadline. Messages are the router's own.
contract SwapRouter {
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        require(amountIn > 0, "UniswapV2Library: INSUFFICIENT_INPUT_AMOUNT");
        require(reserveIn > 0 && reserveOut > 0, "UniswapV2Library: INSUFFICIENT_LIQUIDITY");
        uint256 withFee = amountIn * 997;
        return (withFee * reserveOut) / (reserveIn * 1000 + withFee);
    }

    function swapExactTokensForTokens(
        address pair,
        address tokenIn,
        uint256 amountIn,
        uint256 amountOutMin,
        address to,
        uint256 deadline
    ) external returns (uint256 amountOut) {
        require(deadline >= block.timestamp, "UniswapV2Router: EXPIRED");
        address token0 = IRouterPair(pair).token0();
        bool zeroForOne = tokenIn == token0;
        require(zeroForOne || tokenIn == IRouterPair(pair).token1(), "UniswapV2Router: INVALID_PATH");
        (uint112 reserve0, uint112 reserve1, ) = IRouterPair(pair).getReserves();
        amountOut = zeroForOne ? getAmountOut(amountIn, reserve0, reserve1) : getAmountOut(amountIn, reserve1, reserve0);
        require(amountOut >= amountOutMin, "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT");
        require(IRouterErc20(tokenIn).transferFrom(msg.sender, pair, amountIn), "UniswapV2Router: TRANSFER_FAILED");
        IRouterPair(pair).swap(zeroForOne ? 0 : amountOut, zeroForOne ? amountOut : 0, to);
    }
}
