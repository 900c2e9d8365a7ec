// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// What the factory deploys: records who created it.
contract FactoryChild {
    address public immutable creator;

    constructor() {
        creator = msg.sender;
    }
}

/// Deploys children from inside a call, with CREATE and CREATE2: contract creations only traces reveal.
contract Factory {
    event Deployed(address child, bool create2);

    function deploy(bytes32 salt) external returns (address created, address created2) {
        created = address(new FactoryChild());
        created2 = address(new FactoryChild{salt: salt}());
        emit Deployed(created, false);
        emit Deployed(created2, true);
    }
}
